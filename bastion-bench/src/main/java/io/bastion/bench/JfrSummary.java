package io.bastion.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a replica's CPU time goes, from a JFR recording: execution samples counted by the method
 * on top of the stack, by the first Bastion or library area on the stack, and by thread.
 */
public final class JfrSummary {
    private static final List<String[]> AREAS = List.of(
            new String[] {"org.bouncycastle", "signatures (BouncyCastle Ed25519)"},
            new String[] {"sun.security", "JDK crypto (SHA-256, ...)"},
            new String[] {"io.netty", "network (Netty)"},
            new String[] {"io.bastion.core.message", "codec"},
            new String[] {"io.bastion.core.crypto", "digests and Merkle trees"},
            new String[] {"io.bastion.core.replica", "protocol core"},
            new String[] {"io.bastion.core.execution", "execution and reply signing"},
            new String[] {"io.bastion.net", "transport"},
            new String[] {"io.bastion.server", "runtime"},
            new String[] {"java.util.concurrent", "queues and threads"},
            new String[] {"sun.nio", "socket I/O"});

    private JfrSummary() {}

    public static void print(Path recording, int top, PrintStream out) throws IOException {
        Map<String, Integer> byMethod = new HashMap<>();
        Map<String, Integer> byArea = new HashMap<>();
        Map<String, Integer> byThread = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            total++;
            RecordedFrame topFrame = stack.getFrames().get(0);
            byMethod.merge(topFrame.getMethod().getType().getName() + "." + topFrame.getMethod().getName(), 1,
                    Integer::sum);
            byArea.merge(area(stack), 1, Integer::sum);
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            byThread.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
        }
        out.println(recording.getFileName() + ": " + total + " samples");
        printTop("by area (first matching frame from the top)", byArea, total, top, out);
        printTop("by thread", byThread, total, top, out);
        printTop("by method on top of the stack", byMethod, total, top, out);
    }

    private static String area(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            for (String[] area : AREAS) {
                if (type.startsWith(area[0])) {
                    return area[1];
                }
            }
        }
        return "other (JDK, JIT-compiled glue)";
    }

    private static void printTop(String title, Map<String, Integer> counts, int total, int top, PrintStream out) {
        out.println("  " + title + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(top).forEach(e -> out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    public static void main(String[] args) throws IOException {
        for (String file : args) {
            print(Path.of(file), 12, System.out);
        }
    }
}
