package io.bastion.net.testing;

import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Envelope;
import io.bastion.net.handshake.HandshakeCodec;
import io.bastion.net.handshake.HandshakeException;
import io.bastion.net.handshake.HandshakeFrame;
import io.bastion.net.handshake.HandshakeTranscript;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A plain blocking socket that speaks (or abuses) the wire format by hand: what a misbehaving peer
 * or client looks like to the transport.
 */
public final class RawConnection implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    public static RawConnection open(int port) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(TestCluster.HOST, port), READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            return new RawConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dials {@code port} as replica {@code dialerId} and completes the handshake with {@code signer}. */
    public static RawConnection authenticated(int port, int dialerId, int acceptorId, Signer signer) {
        RawConnection connection = open(port);
        byte[] dialerNonce = new byte[HandshakeCodec.NONCE_BYTES];
        new SecureRandom().nextBytes(dialerNonce);
        connection.writeFrame(HandshakeCodec.encode(new HandshakeFrame.Hello(dialerId, acceptorId, dialerNonce)));
        HandshakeFrame.HelloAccept accept = (HandshakeFrame.HelloAccept) connection.readHandshakeFrame();
        byte[] dial = HandshakeTranscript.dial(dialerId, acceptorId, dialerNonce, accept.acceptorNonce());
        connection.writeFrame(HandshakeCodec.encode(new HandshakeFrame.HelloConfirm(signer.sign(dial))));
        return connection;
    }

    public static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** Writes raw bytes; returns false if the other end has already closed the connection. */
    public boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean writeFrame(byte[] body) {
        return write(framed(body));
    }

    public boolean send(Envelope<?> message) {
        return writeFrame(Codec.encodeFrame(message));
    }

    /** Half-closes: the other end sees end of stream. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // already closed by the other end: that is what the caller waits for anyway
        }
    }

    public byte[] readFrame() {
        try {
            int length = in.readInt();
            byte[] body = new byte[length];
            in.readFully(body);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HandshakeFrame readHandshakeFrame() {
        try {
            return HandshakeCodec.decode(readFrame());
        } catch (HandshakeException e) {
            throw new AssertionError(e);
        }
    }

    public Envelope<?> readMessage() {
        try {
            return Codec.decodeFrame(readFrame());
        } catch (CodecException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads and discards until the other end closes; false if it is still open after {@code timeout}. */
    public boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[8192];
        try {
            InputStream input = socket.getInputStream();
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (input.read(sink) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the other end
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to release
        }
    }
}
