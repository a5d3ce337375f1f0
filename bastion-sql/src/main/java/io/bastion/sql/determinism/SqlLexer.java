package io.bastion.sql.determinism;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into tokens the way SQLite's own tokenizer ({@code tokenize.c}) does, as far as
 * the guard needs: string literals, quoted identifiers ({@code "…"}, {@code […]}, {@code `…`}),
 * blob literals, parameters (including SQLite's TCL-style {@code $name(…)} form) and comments are
 * single tokens or skipped, so nothing inside them is mistaken for a keyword or a {@code ;}.
 *
 * <p>Where this tokenizer could disagree with SQLite it errs towards seeing more statements, never
 * fewer: a statement SQLite would run is always a statement here too. Stateless.
 */
final class SqlLexer {
    /** Not whitespace between tokens for SQLite, but it does end a {@code $name(…)} parameter. */
    private static final char VERTICAL_TAB = 0x0b;

    private SqlLexer() {}

    /** What a token is; whitespace and comments produce no token. */
    enum Kind {
        WORD, QUOTED_IDENTIFIER, STRING, BLOB, NUMBER, VARIABLE,
        SEMICOLON, LEFT_PAREN, RIGHT_PAREN, DOT, COMMA, EQUALS, OPERATOR
    }

    /**
     * One token.
     *
     * @param kind  what it is
     * @param text  the token's text; for a quoted identifier, the identifier without its quotes
     * @param start offset of the token in the SQL text
     */
    record Token(Kind kind, String text, int start) {
        /** Whether this is the bare word {@code keyword} (ASCII case-insensitive, as in SQLite). */
        boolean is(String keyword) {
            return kind == Kind.WORD && asciiEqualsIgnoreCase(text, keyword);
        }

        /** A bare word or a quoted identifier: something that names an object or a function. */
        boolean isName() {
            return kind == Kind.WORD || kind == Kind.QUOTED_IDENTIFIER;
        }

        /** The name in ASCII lower case, as SQLite compares names. */
        String lowerName() {
            return asciiLowerCase(text);
        }
    }

    static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            i = next(sql, i, tokens);
        }
        return tokens;
    }

    /** Reads the token (or whitespace or comment) at {@code i}; returns where the next one starts. */
    private static int next(String sql, int i, List<Token> tokens) {
        char c = sql.charAt(i);
        if (isSpace(c)) {
            return i + 1;
        }
        if (c == '-' && at(sql, i + 1) == '-') {
            int end = sql.indexOf('\n', i);
            return end < 0 ? sql.length() : end + 1;
        }
        if (c == '/' && at(sql, i + 1) == '*') {
            int end = sql.indexOf("*/", i + 2);
            return end < 0 ? sql.length() : end + 2;
        }
        if (c == '\'') {
            return add(tokens, Kind.STRING, sql, i, quoted(sql, i, '\''));
        }
        if (c == '"' || c == '`') {
            int end = quoted(sql, i, c);
            String text = unquote(sql.substring(i, end), c);
            tokens.add(new Token(Kind.QUOTED_IDENTIFIER, text, i));
            return end;
        }
        if (c == '[') {
            int close = sql.indexOf(']', i);
            int end = close < 0 ? sql.length() : close + 1;
            tokens.add(new Token(Kind.QUOTED_IDENTIFIER, sql.substring(i + 1, close < 0 ? end : close), i));
            return end;
        }
        if ((c == 'x' || c == 'X') && at(sql, i + 1) == '\'') {
            return add(tokens, Kind.BLOB, sql, i, blobEnd(sql, i));
        }
        if (isDigit(c) || (c == '.' && isDigit(at(sql, i + 1)))) {
            return add(tokens, Kind.NUMBER, sql, i, numberEnd(sql, i));
        }
        if (isIdentifierStart(c)) {
            return add(tokens, Kind.WORD, sql, i, identifierEnd(sql, i));
        }
        if (c == '?') {
            int end = i + 1;
            while (isDigit(at(sql, end))) {
                end++;
            }
            return add(tokens, Kind.VARIABLE, sql, i, end);
        }
        if (c == '$' || c == '@' || c == ':' || c == '#') {
            return add(tokens, Kind.VARIABLE, sql, i, namedVariableEnd(sql, i));
        }
        return add(tokens, punctuation(c), sql, i, i + 1);
    }

    private static Kind punctuation(char c) {
        return switch (c) {
            case ';' -> Kind.SEMICOLON;
            case '(' -> Kind.LEFT_PAREN;
            case ')' -> Kind.RIGHT_PAREN;
            case '.' -> Kind.DOT;
            case ',' -> Kind.COMMA;
            case '=' -> Kind.EQUALS;
            default -> Kind.OPERATOR;
        };
    }

    private static int add(List<Token> tokens, Kind kind, String sql, int start, int end) {
        tokens.add(new Token(kind, sql.substring(start, end), start));
        return end;
    }

    /** End of a literal opened by {@code quote} at {@code i}; a doubled quote does not close it. */
    private static int quoted(String sql, int i, char quote) {
        int j = i + 1;
        while (j < sql.length()) {
            if (sql.charAt(j) == quote) {
                if (at(sql, j + 1) != quote) {
                    return j + 1;
                }
                j++;
            }
            j++;
        }
        return sql.length();
    }

    private static String unquote(String quotedText, char quote) {
        boolean closed = quotedText.length() >= 2 && quotedText.charAt(quotedText.length() - 1) == quote;
        String inner = quotedText.substring(1, closed ? quotedText.length() - 1 : quotedText.length());
        String q = String.valueOf(quote);
        return inner.replace(q + q, q);
    }

    /** {@code x'…'}: SQLite ends a blob literal at the next quote, whatever lies between. */
    private static int blobEnd(String sql, int i) {
        int close = sql.indexOf('\'', i + 2);
        return close < 0 ? sql.length() : close + 1;
    }

    /** Digits, letters, dots and signed exponents: anything SQLite reads as one (maybe bad) number. */
    private static int numberEnd(String sql, int i) {
        int j = i;
        while (j < sql.length()) {
            char c = sql.charAt(j);
            boolean exponentSign = (c == '+' || c == '-') && (at(sql, j - 1) == 'e' || at(sql, j - 1) == 'E')
                    && isDigit(at(sql, j + 1)) && !isHexNumber(sql, i);
            if (!(isIdentifierPart(c) || c == '.' || exponentSign)) {
                break;
            }
            j++;
        }
        return j;
    }

    private static boolean isHexNumber(String sql, int i) {
        return sql.charAt(i) == '0' && (at(sql, i + 1) == 'x' || at(sql, i + 1) == 'X');
    }

    private static int identifierEnd(String sql, int i) {
        int j = i + 1;
        while (isIdentifierPart(at(sql, j))) {
            j++;
        }
        return j;
    }

    /**
     * {@code $name}, {@code @name}, {@code :name}, {@code #name}, with SQLite's TCL extensions:
     * {@code ::} inside the name and a {@code (…)} suffix that runs to {@code )} or whitespace.
     */
    private static int namedVariableEnd(String sql, int i) {
        int j = i + 1;
        int nameChars = 0;
        while (j < sql.length()) {
            char c = sql.charAt(j);
            if (isIdentifierPart(c)) {
                nameChars++;
                j++;
            } else if (c == '(' && nameChars > 0) {
                j++;
                while (j < sql.length() && !isSpace(sql.charAt(j)) && sql.charAt(j) != VERTICAL_TAB
                        && sql.charAt(j) != ')') {
                    j++;
                }
                return j < sql.length() && sql.charAt(j) == ')' ? j + 1 : j;
            } else if (c == ':' && at(sql, j + 1) == ':') {
                j += 2;
            } else {
                break;
            }
        }
        return j;
    }

    private static char at(String sql, int i) {
        return i >= 0 && i < sql.length() ? sql.charAt(i) : '\0';
    }

    /** SQLite's whitespace: space, tab, newline, form feed, carriage return. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** SQLite: letters, underscore and every non-ASCII character may start an identifier. */
    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }

    static boolean asciiEqualsIgnoreCase(String a, String b) {
        return a.length() == b.length() && asciiLowerCase(a).equals(asciiLowerCase(b));
    }

    static String asciiUpperCase(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'a' && chars[i] <= 'z') {
                chars[i] = (char) (chars[i] - ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    static String asciiLowerCase(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }
}
