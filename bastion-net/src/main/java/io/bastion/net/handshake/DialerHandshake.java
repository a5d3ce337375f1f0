package io.bastion.net.handshake;

import io.bastion.net.Rejection;
import io.bastion.net.handshake.HandshakeFrame.Hello;
import io.bastion.net.handshake.HandshakeFrame.HelloAccept;
import io.bastion.net.handshake.HandshakeFrame.HelloConfirm;
import io.netty.channel.ChannelHandlerContext;

/**
 * The dialing (lower-id) side of the replica handshake: sends HELLO, checks the acceptor's
 * signature in HELLO_ACCEPT under the key the cluster config lists for {@code acceptorId}, answers
 * HELLO_CONFIRM, and is done. Confined to the connection's event loop.
 */
public final class DialerHandshake extends HandshakeHandler {
    private final int acceptorId;
    private byte[] dialerNonce;

    public DialerHandshake(HandshakeSetup setup, int acceptorId) {
        super(setup);
        this.acceptorId = acceptorId;
    }

    @Override
    protected void begin(ChannelHandlerContext ctx) {
        dialerNonce = setup.newNonce();
        send(ctx, new Hello(setup.selfId(), acceptorId, dialerNonce));
    }

    @Override
    protected void onFrame(ChannelHandlerContext ctx, HandshakeFrame frame) throws HandshakeException {
        if (!(frame instanceof HelloAccept accept)) {
            throw new HandshakeException(Rejection.HANDSHAKE_UNEXPECTED_FRAME,
                    "expected HELLO_ACCEPT from replica " + acceptorId + ", got " + frame.getClass().getSimpleName());
        }
        TlsIdentityCheck.require(ctx.channel(), acceptorId, "HELLO_ACCEPT");
        byte[] acceptorNonce = accept.acceptorNonce();
        byte[] accepted = HandshakeTranscript.accept(setup.selfId(), acceptorId, dialerNonce, acceptorNonce);
        if (!setup.verify(acceptorId, accepted, accept.signature())) {
            throw new HandshakeException(Rejection.HANDSHAKE_BAD_SIGNATURE,
                    "HELLO_ACCEPT is not signed by replica " + acceptorId);
        }
        byte[] dialed = HandshakeTranscript.dial(setup.selfId(), acceptorId, dialerNonce, acceptorNonce);
        send(ctx, new HelloConfirm(setup.sign(dialed)));
        complete(ctx, acceptorId);
    }
}
