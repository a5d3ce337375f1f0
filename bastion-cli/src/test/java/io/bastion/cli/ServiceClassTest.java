package io.bastion.cli;

import io.bastion.sql.SqlService;
import io.bastion.sql.bench.InsertBenchService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceClassTest {
    @TempDir
    Path directory;

    @Test
    void aServiceOnTheClassPathIsLoadedByName() {
        assertThat(ServiceClass.load(InsertBenchService.class.getName(), List.of())).isInstanceOf(InsertBenchService.class);
    }

    @Test
    void aServiceInAJarIsLoadedFromIt() throws Exception {
        Path sources = Files.createDirectories(directory.resolve("src/com/example"));
        Files.writeString(sources.resolve("Notes.java"), """
                package com.example;
                public final class Notes implements io.bastion.sql.SqlService {
                    public void migrate(java.sql.Connection c) {}
                    public byte[] execute(byte[] r, java.sql.Connection c, io.bastion.core.service.ServiceContext x) {
                        return r;
                    }
                }
                """);
        Path classes = Files.createDirectories(directory.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int code = javac.run(null, OutputStream.nullOutputStream(), System.err, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), sources.resolve("Notes.java").toString());
        assertThat(code).isZero();
        Path jar = directory.resolve("notes.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("com/example/Notes.class"));
            out.write(Files.readAllBytes(classes.resolve("com/example/Notes.class")));
            out.closeEntry();
        }
        SqlService service = ServiceClass.load("com.example.Notes", List.of(jar));
        assertThat(service.getClass().getName()).isEqualTo("com.example.Notes");
        assertThatThrownBy(() -> ServiceClass.load("com.example.Notes", List.of()))
                .hasMessageContaining("no such class").hasMessageContaining("--service-jar");
    }

    @Test
    void whatIsNotAServiceIsRefusedWithTheReason() {
        assertThatThrownBy(() -> ServiceClass.load("java.lang.String", List.of()))
                .hasMessageContaining("does not implement io.bastion.sql.SqlService");
        assertThatThrownBy(() -> ServiceClass.load(SqlService.class.getName(), List.of()))
                .hasMessageContaining("is abstract");
        assertThatThrownBy(() -> ServiceClass.load("com.example.Missing", List.of(directory.resolve("none.jar"))))
                .hasMessageContaining("--service-jar").hasMessageContaining("no such file");
    }
}
