package io.bastion.sql.determinism;

import io.bastion.sql.determinism.SqlLexer.Kind;
import io.bastion.sql.determinism.SqlLexer.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides whether SQL text may run on a replica's connection. Looks at the first keyword of every
 * statement in the text (after {@code EXPLAIN} and a leading {@code WITH} list, and inside trigger
 * bodies) and at every name in it, so that comments, odd casing, several statements in one call or
 * a statement hidden in a trigger body do not get past. Stateless.
 */
final class SqlPolicy {
    /** Read-only pragmas about the schema, allowed in any form, also as {@code pragma_*} functions. */
    static final Set<String> INFORMATIONAL_PRAGMAS = Set.of(
            "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
            "foreign_key_list", "foreign_key_check");
    /** Pragmas that may be read (no argument) but never set. */
    static final Set<String> READ_ONLY_FORM_PRAGMAS = Set.of("foreign_keys", "user_version");

    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE");
    private static final Set<String> OTHER_FILES = Set.of("ATTACH", "DETACH");
    /** Commands that sqlite-jdbc itself executes when the text starts with them. */
    private static final Set<String> DRIVER_COMMANDS = Set.of("BACKUP", "RESTORE");
    private static final Set<String> TRIGGER_BODY_KEYWORDS = Set.of("INSERT", "REPLACE", "UPDATE", "DELETE", "SELECT", "WITH", "VALUES");
    private static final Set<String> QUERY_KEYWORDS = Set.of("SELECT", "VALUES");
    /** Statements that read or write rows and nothing else. */
    private static final Set<String> ROW_KEYWORDS = Set.of("SELECT", "VALUES", "INSERT", "REPLACE", "UPDATE", "DELETE");

    private static final String LOAD_EXTENSION = "load_extension";
    private static final String DBSTAT = "dbstat";
    /** Not compiled into the driver Bastion uses today; refused by name should a later build have it. */
    private static final String DBPAGE = "sqlite_dbpage";
    private static final String TEMP_SCHEMA = "temp";
    private static final String PRAGMA_FUNCTION_PREFIX = "pragma_";

    private static final String TRANSACTION_REASON =
            "the engine owns transactions (one per batch, a savepoint per request)";
    private static final String TEMP_REASON =
            "temporary objects live only as long as one replica's connection, and replicas reopen theirs at different times";
    private static final String PRAGMA_REASON =
            "pragmas change settings that must be the same on every replica; allowed are " + INFORMATIONAL_PRAGMAS
                    + " and reading " + READ_ONLY_FORM_PRAGMAS;
    private static final String READ_ONLY_REASON =
            "a read-only query may only be SELECT, VALUES, WITH … SELECT, EXPLAIN or an informational PRAGMA";

    private SqlPolicy() {}

    /** One statement of the text; {@code inTriggerBody} if it is part of a CREATE TRIGGER body. */
    record Statement(List<Token> tokens, boolean inTriggerBody) {}

    /** Refuses {@code sql} if any statement in it may not run; {@code readOnly} also refuses writes. */
    static void check(String sql, boolean readOnly) throws SqlRefusedException {
        checkRows(sql, readOnly);
    }

    /**
     * Checks {@code sql} as {@link #check} does, and says whether it only reads or writes rows: every
     * statement in it is a SELECT, VALUES, INSERT, REPLACE, UPDATE or DELETE (after EXPLAIN or a WITH
     * list), none of them in a trigger body. Such a text cannot change the schema, so a statement
     * prepared from it stays what a fresh one would be.
     */
    static boolean checkRows(String sql, boolean readOnly) throws SqlRefusedException {
        checkDriverCommand(sql);
        List<Token> tokens = SqlLexer.tokenize(sql);
        checkNames(tokens, sql);
        boolean rowsOnly = true;
        for (Statement statement : split(tokens)) {
            rowsOnly &= checkStatement(statement, readOnly, sql);
        }
        return rowsOnly;
    }

    /** sqlite-jdbc runs {@code backup … to} / {@code restore … from} itself if the raw text starts so. */
    private static void checkDriverCommand(String sql) throws SqlRefusedException {
        for (String command : DRIVER_COMMANDS) {
            if (sql.regionMatches(true, 0, command, 0, command.length())) {
                throw driverCommand(command, sql);
            }
        }
    }

    private static SqlRefusedException driverCommand(String command, String sql) {
        return new SqlRefusedException(command,
                "sqlite-jdbc would copy the database to or from a file outside the replicated state", sql);
    }

    private static void checkNames(List<Token> tokens, String sql) throws SqlRefusedException {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (!token.isName()) {
                continue;
            }
            String name = token.lowerName();
            if (name.equals(LOAD_EXTENSION)) {
                throw new SqlRefusedException(LOAD_EXTENSION, "it loads native code into the replica", sql);
            }
            if (name.equals(DBSTAT)) {
                throw new SqlRefusedException(DBSTAT, "it also reports pages of the connection's private temp database", sql);
            }
            if (name.equals(DBPAGE)) {
                throw new SqlRefusedException(DBPAGE,
                        "it reads and writes the file's raw pages, past every check SQLite makes on the schema", sql);
            }
            if (name.equals(RequestReset.TABLE)) {
                throw new SqlRefusedException(RequestReset.TABLE, "it is Bastion's own table", sql);
            }
            if (name.startsWith(PRAGMA_FUNCTION_PREFIX) && !allowedPragma(name.substring(PRAGMA_FUNCTION_PREFIX.length()))) {
                throw new SqlRefusedException(name, PRAGMA_REASON, sql);
            }
            if (name.equals(TEMP_SCHEMA) && i + 1 < tokens.size() && tokens.get(i + 1).kind() == Kind.DOT) {
                throw new SqlRefusedException("temp schema", TEMP_REASON, sql);
            }
        }
    }

    private static boolean allowedPragma(String name) {
        return INFORMATIONAL_PRAGMAS.contains(name) || READ_ONLY_FORM_PRAGMAS.contains(name);
    }

    /** Checks one statement; returns whether it only reads or writes rows ({@link #checkRows}). */
    private static boolean checkStatement(Statement statement, boolean readOnly, String sql) throws SqlRefusedException {
        List<Token> tokens = statement.tokens();
        int first = skipExplain(tokens, 0);
        boolean explain = first > 0;
        if (first >= tokens.size() || tokens.get(first).kind() != Kind.WORD) {
            if (readOnly && !explain) {
                throw new SqlRefusedException("statement", READ_ONLY_REASON, sql);
            }
            return false; // SQLite cannot parse it either
        }
        String keyword = SqlLexer.asciiUpperCase(tokens.get(first).text());
        if (statement.inTriggerBody() && !TRIGGER_BODY_KEYWORDS.contains(keyword)) {
            throw new SqlRefusedException(keyword + " in a trigger body",
                    "a trigger body holds only INSERT, UPDATE, DELETE and SELECT", sql);
        }
        checkKind(keyword, tokens, first, sql);
        if (readOnly && !explain) {
            checkQuery(keyword, tokens, first, sql);
        }
        String main = keyword.equals("WITH") ? mainKeywordAfterWith(tokens, first) : keyword;
        return !statement.inTriggerBody() && main != null && ROW_KEYWORDS.contains(main);
    }

    private static void checkKind(String keyword, List<Token> tokens, int first, String sql) throws SqlRefusedException {
        if (OTHER_FILES.contains(keyword)) {
            throw new SqlRefusedException(keyword, "it opens or closes another database file, outside the replicated state", sql);
        }
        if (keyword.equals("VACUUM")) {
            throw new SqlRefusedException(keyword,
                    "it rewrites the database file (or, with INTO, writes another file); the file's layout is Bastion's", sql);
        }
        if (TRANSACTION_CONTROL.contains(keyword)) {
            throw new SqlRefusedException(keyword, TRANSACTION_REASON, sql);
        }
        if (DRIVER_COMMANDS.contains(keyword)) {
            throw driverCommand(keyword, sql);
        }
        if (keyword.equals("PRAGMA")) {
            checkPragma(tokens, first + 1, sql);
        }
        if (keyword.equals("CREATE") && first + 1 < tokens.size()
                && (tokens.get(first + 1).is("TEMP") || tokens.get(first + 1).is("TEMPORARY"))) {
            throw new SqlRefusedException("CREATE TEMP", TEMP_REASON, sql);
        }
    }

    /** {@code PRAGMA [schema.]name [= value | (value)]}: only whitelisted names, some only read. */
    private static void checkPragma(List<Token> tokens, int start, String sql) throws SqlRefusedException {
        int nameAt = start + 1 < tokens.size() && tokens.get(start + 1).kind() == Kind.DOT ? start + 2 : start;
        if (nameAt >= tokens.size() || !tokens.get(nameAt).isName()) {
            throw new SqlRefusedException("PRAGMA", PRAGMA_REASON, sql);
        }
        String name = tokens.get(nameAt).lowerName();
        boolean hasArgument = nameAt + 1 < tokens.size();
        if (INFORMATIONAL_PRAGMAS.contains(name) || (READ_ONLY_FORM_PRAGMAS.contains(name) && !hasArgument)) {
            return;
        }
        throw new SqlRefusedException("PRAGMA " + name, PRAGMA_REASON, sql);
    }

    private static void checkQuery(String keyword, List<Token> tokens, int first, String sql) throws SqlRefusedException {
        String main = keyword.equals("WITH") ? mainKeywordAfterWith(tokens, first) : keyword;
        if ((main != null && QUERY_KEYWORDS.contains(main)) || keyword.equals("PRAGMA")) {
            return;
        }
        throw new SqlRefusedException(main == null ? "WITH" : main, READ_ONLY_REASON, sql);
    }

    /**
     * The keyword of the statement a {@code WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED]
     * (…), …} list leads into, or {@code null} if the list does not have that shape.
     */
    static String mainKeywordAfterWith(List<Token> tokens, int withAt) {
        int i = withAt + 1;
        if (i < tokens.size() && tokens.get(i).is("RECURSIVE")) {
            i++;
        }
        while (true) {
            if (i >= tokens.size() || !tokens.get(i).isName()) {
                return null;
            }
            i = skipParentheses(tokens, i + 1);
            if (i >= tokens.size() || !tokens.get(i).is("AS")) {
                return null;
            }
            i++;
            i = i < tokens.size() && tokens.get(i).is("NOT") ? i + 1 : i;
            i = i < tokens.size() && tokens.get(i).is("MATERIALIZED") ? i + 1 : i;
            if (i >= tokens.size() || tokens.get(i).kind() != Kind.LEFT_PAREN) {
                return null;
            }
            i = skipParentheses(tokens, i);
            if (i < tokens.size() && tokens.get(i).kind() == Kind.COMMA) {
                i++;
                continue;
            }
            return i < tokens.size() && tokens.get(i).kind() == Kind.WORD ? SqlLexer.asciiUpperCase(tokens.get(i).text()) : null;
        }
    }

    /** If a parenthesised group starts at {@code i}, the index after it; else {@code i}. */
    private static int skipParentheses(List<Token> tokens, int i) {
        if (i >= tokens.size() || tokens.get(i).kind() != Kind.LEFT_PAREN) {
            return i;
        }
        int depth = 0;
        for (int j = i; j < tokens.size(); j++) {
            Kind kind = tokens.get(j).kind();
            depth += kind == Kind.LEFT_PAREN ? 1 : kind == Kind.RIGHT_PAREN ? -1 : 0;
            if (depth == 0) {
                return j + 1;
            }
        }
        return tokens.size();
    }

    /** Index after an {@code EXPLAIN} or {@code EXPLAIN QUERY PLAN} prefix (0 if none). */
    private static int skipExplain(List<Token> tokens, int i) {
        if (i < tokens.size() && tokens.get(i).is("EXPLAIN")) {
            boolean queryPlan = i + 2 < tokens.size() && tokens.get(i + 1).is("QUERY") && tokens.get(i + 2).is("PLAN");
            return queryPlan ? i + 3 : i + 1;
        }
        return i;
    }

    /**
     * The statements of the text, split at {@code ;} except inside a CREATE TRIGGER body, whose
     * statements are returned one by one, marked as trigger body. The body is taken to end at the
     * first {@code END} that closes no {@code CASE}; SQLite's own end is never earlier, so text after
     * a trigger is never mistaken for part of it.
     */
    static List<Statement> split(List<Token> tokens) {
        List<Statement> statements = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < tokens.size()) {
            if (i == start && isCreateTrigger(tokens, i)) {
                i = splitTrigger(tokens, i, statements);
                start = i;
                continue;
            }
            if (tokens.get(i).kind() == Kind.SEMICOLON) {
                addIfNotEmpty(statements, tokens.subList(start, i), false);
                start = i + 1;
            }
            i++;
        }
        addIfNotEmpty(statements, tokens.subList(start, tokens.size()), false);
        return statements;
    }

    private static boolean isCreateTrigger(List<Token> tokens, int i) {
        int create = skipExplain(tokens, i);
        if (create >= tokens.size() || !tokens.get(create).is("CREATE")) {
            return false;
        }
        int next = create + 1;
        if (next < tokens.size() && (tokens.get(next).is("TEMP") || tokens.get(next).is("TEMPORARY"))) {
            next++;
        }
        return next < tokens.size() && tokens.get(next).is("TRIGGER");
    }

    /** Adds the trigger's header and body statements; returns the index after the body's END. */
    private static int splitTrigger(List<Token> tokens, int start, List<Statement> statements) {
        int begin = start;
        while (begin < tokens.size() && !tokens.get(begin).is("BEGIN")) {
            if (tokens.get(begin).kind() == Kind.SEMICOLON) {
                statements.add(new Statement(tokens.subList(start, begin), false));
                return begin + 1;
            }
            begin++;
        }
        statements.add(new Statement(tokens.subList(start, Math.min(begin + 1, tokens.size())), false));
        int caseDepth = 0;
        for (int j = begin + 1; j < tokens.size(); j++) {
            Token token = tokens.get(j);
            if (token.is("CASE")) {
                caseDepth++;
            } else if (token.is("END")) {
                if (caseDepth == 0) {
                    addBody(tokens.subList(begin + 1, j), statements);
                    return j + 1;
                }
                caseDepth--;
            }
        }
        addBody(tokens.subList(Math.min(begin + 1, tokens.size()), tokens.size()), statements);
        return tokens.size();
    }

    private static void addBody(List<Token> body, List<Statement> statements) {
        int start = 0;
        for (int j = 0; j < body.size(); j++) {
            if (body.get(j).kind() == Kind.SEMICOLON) {
                addIfNotEmpty(statements, body.subList(start, j), true);
                start = j + 1;
            }
        }
        addIfNotEmpty(statements, body.subList(start, body.size()), true);
    }

    private static void addIfNotEmpty(List<Statement> statements, List<Token> tokens, boolean inTriggerBody) {
        if (!tokens.isEmpty()) {
            statements.add(new Statement(tokens, inTriggerBody));
        }
    }
}
