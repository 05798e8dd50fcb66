package network.cocoon.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every public or protected type, constructor, method and field of the SDK that a user can reach carries a
 * Javadoc comment. (Javadoc's own lint runs in the build with every group but "missing", which would also
 * demand an {@code @return} under one-line descriptions that already say what is returned.)
 */
class PublicApiDocumentationTest {
    @Test
    void everyReachablePublicElementIsDocumented() throws IOException {
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(Path.of("src", "main", "java"))) {
            sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() > 50, "found the SDK's sources: " + sources.size());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> undocumented = new ArrayList<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) javac.getTask(null, files, diagnostic -> { }, List.of("-proc:none"), null,
                    files.getJavaFileObjectsFromPaths(sources));
            DocTrees docs = DocTrees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                new TreePathScanner<Void, Void>() {
                    private final Deque<ClassTree> enclosing = new ArrayDeque<>();

                    @Override
                    public Void visitClass(ClassTree type, Void unused) {
                        if (!reachable(type.getModifiers())) {
                            return null;
                        }
                        check(type.getSimpleName().toString());
                        enclosing.push(type);
                        try {
                            return super.visitClass(type, unused);
                        } finally {
                            enclosing.pop();
                        }
                    }

                    @Override
                    public Void visitMethod(MethodTree method, Void unused) {
                        boolean overrides = method.getModifiers().getAnnotations().stream()
                                .anyMatch(a -> a.getAnnotationType().toString().equals("Override"));
                        if (reachable(method.getModifiers()) && !overrides) {
                            check(enclosing.peek().getSimpleName() + "." + method.getName());
                        }
                        return null;
                    }

                    @Override
                    public Void visitVariable(VariableTree field, Void unused) {
                        if (reachable(field.getModifiers())) {
                            check(enclosing.peek().getSimpleName() + "." + field.getName());
                        }
                        return null;
                    }

                    private boolean reachable(ModifiersTree modifiers) {
                        if (enclosing.isEmpty()) {
                            return modifiers.getFlags().contains(Modifier.PUBLIC);
                        }
                        Tree.Kind kind = enclosing.peek().getKind();
                        boolean implicitlyPublic = kind == Tree.Kind.INTERFACE || kind == Tree.Kind.ANNOTATION_TYPE;
                        return implicitlyPublic && !modifiers.getFlags().contains(Modifier.PRIVATE)
                                || modifiers.getFlags().contains(Modifier.PUBLIC)
                                || modifiers.getFlags().contains(Modifier.PROTECTED);
                    }

                    private void check(String name) {
                        TreePath path = getCurrentPath();
                        if (docs.getDocCommentTree(path) == null) {
                            undocumented.add(unit.getPackageName() + "." + name);
                        }
                    }
                }.scan(unit, null);
            }
        }
        assertEquals(List.of(), undocumented);
    }
}
