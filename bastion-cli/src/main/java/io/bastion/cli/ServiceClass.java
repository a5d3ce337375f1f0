package io.bastion.cli;

import io.bastion.sql.SqlService;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An application's {@link SqlService}, named on the command line ({@code --sql-service CLASS},
 * with its jars from {@code --service-jar}): loaded, checked and instantiated with its public
 * no-argument constructor, with an error that says what is wrong.
 */
final class ServiceClass {
    private ServiceClass() {}

    static SqlService load(String className, List<Path> jars) {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("--service-jar " + jar + ": no such file");
            }
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--service-jar " + jar + ": " + e.getMessage());
            }
        }
        ClassLoader loader = urls.isEmpty() ? ServiceClass.class.getClassLoader()
                : new URLClassLoader(urls.toArray(URL[]::new), ServiceClass.class.getClassLoader());
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("--sql-service " + className + ": no such class"
                    + (jars.isEmpty() ? " (add the jar that holds it with --service-jar)" : " in " + jars));
        }
        if (!SqlService.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("--sql-service " + className + " does not implement "
                    + SqlService.class.getName());
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("--sql-service " + className + " is abstract");
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return (SqlService) constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("--sql-service " + className + " needs a public constructor without"
                    + " arguments");
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("--sql-service " + className + ": its constructor failed: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("--sql-service " + className + ": " + e);
        }
    }
}
