package io.bastion.net.handshake;

import io.bastion.net.Rejection;
import io.bastion.net.handshake.HandshakeFrame.Hello;
import io.bastion.net.handshake.HandshakeFrame.HelloAccept;
import io.bastion.net.handshake.HandshakeFrame.HelloConfirm;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * The accepting (higher-id) side of the replica handshake: takes a HELLO from a lower-id replica
 * addressed to this one, answers HELLO_ACCEPT signed with this replica's key, and completes once
 * HELLO_CONFIRM verifies under the dialer's key from the cluster config. Confined to the
 * connection's event loop.
 */
public final class AcceptorHandshake extends HandshakeHandler {
    private enum State { AWAIT_HELLO, AWAIT_CONFIRM }

    private State state = State.AWAIT_HELLO;
    private int dialerId;
    private byte[] dialerNonce;
    private byte[] acceptorNonce;

    public AcceptorHandshake(HandshakeSetup setup) {
        super(setup);
    }

    @Override
    protected void begin(ChannelHandlerContext ctx) {
        // the dialer speaks first
    }

    @Override
    protected void onFrame(ChannelHandlerContext ctx, HandshakeFrame frame) throws HandshakeException {
        switch (state) {
            case AWAIT_HELLO -> onHello(ctx, expect(frame, Hello.class));
            case AWAIT_CONFIRM -> onConfirm(ctx, expect(frame, HelloConfirm.class));
        }
    }

    private void onHello(ChannelHandlerContext ctx, Hello hello) throws HandshakeException {
        checkIds(ctx.channel(), hello.dialerId(), hello.acceptorId());
        dialerId = hello.dialerId();
        dialerNonce = hello.dialerNonce();
        acceptorNonce = setup.newNonce();
        byte[] accepted = HandshakeTranscript.accept(dialerId, setup.selfId(), dialerNonce, acceptorNonce);
        send(ctx, new HelloAccept(acceptorNonce, setup.sign(accepted)));
        state = State.AWAIT_CONFIRM;
    }

    private void checkIds(Channel channel, int from, int to) throws HandshakeException {
        if (to != setup.selfId()) {
            throw new HandshakeException(Rejection.HANDSHAKE_WRONG_ID,
                    "HELLO for replica " + to + " reached replica " + setup.selfId());
        }
        if (from < 0 || from >= setup.config().n()) {
            throw new HandshakeException(Rejection.HANDSHAKE_WRONG_ID, "HELLO from unknown replica " + from);
        }
        if (from >= setup.selfId()) {
            throw new HandshakeException(Rejection.HANDSHAKE_WRONG_ID,
                    "replica " + from + " dialed replica " + to + "; only lower ids dial higher ones");
        }
        TlsIdentityCheck.require(channel, from, "HELLO");
    }

    private void onConfirm(ChannelHandlerContext ctx, HelloConfirm confirm) throws HandshakeException {
        byte[] dialed = HandshakeTranscript.dial(dialerId, setup.selfId(), dialerNonce, acceptorNonce);
        if (!setup.verify(dialerId, dialed, confirm.signature())) {
            throw new HandshakeException(Rejection.HANDSHAKE_BAD_SIGNATURE,
                    "HELLO_CONFIRM is not signed by replica " + dialerId);
        }
        complete(ctx, dialerId);
    }

    private static <F extends HandshakeFrame> F expect(HandshakeFrame frame, Class<F> expected)
            throws HandshakeException {
        if (!expected.isInstance(frame)) {
            throw new HandshakeException(Rejection.HANDSHAKE_UNEXPECTED_FRAME,
                    "expected " + expected.getSimpleName() + ", got " + frame.getClass().getSimpleName());
        }
        return expected.cast(frame);
    }
}
