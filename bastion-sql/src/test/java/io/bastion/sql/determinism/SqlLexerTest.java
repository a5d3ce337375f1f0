package io.bastion.sql.determinism;

import io.bastion.sql.determinism.SqlLexer.Kind;
import io.bastion.sql.determinism.SqlLexer.Token;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Token boundaries where SQLite's tokenizer has rules of its own. */
class SqlLexerTest {
    @Test
    void quotedIdentifiersAreUnquotedNames() {
        assertThat(SqlLexer.tokenize("\"a\"\"b\" [c'd] `e``f`")).extracting(Token::kind, Token::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.QUOTED_IDENTIFIER, "a\"b"),
                org.assertj.core.groups.Tuple.tuple(Kind.QUOTED_IDENTIFIER, "c'd"),
                org.assertj.core.groups.Tuple.tuple(Kind.QUOTED_IDENTIFIER, "e`f"));
    }

    @Test
    void literalsAndCommentsHideWhatIsInsideThem() {
        List<Token> tokens = SqlLexer.tokenize("'it''s; attach' -- attach;\n/* ; attach */ x'41' 1.5e-3 x");
        assertThat(tokens).extracting(Token::kind).containsExactly(Kind.STRING, Kind.BLOB, Kind.NUMBER, Kind.WORD);
        assertThat(tokens.get(2).text()).isEqualTo("1.5e-3");
    }

    @Test
    void aBlobLiteralEndsAtItsSecondQuote() {
        assertThat(SqlLexer.tokenize("x'';y")).extracting(Token::kind)
                .containsExactly(Kind.BLOB, Kind.SEMICOLON, Kind.WORD);
    }

    @Test
    void tclStyleParametersRunToTheClosingParenthesis() {
        assertThat(SqlLexer.tokenize("$a::b(x';y) ;")).extracting(Token::kind, Token::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.VARIABLE, "$a::b(x';y)"),
                org.assertj.core.groups.Tuple.tuple(Kind.SEMICOLON, ";"));
        assertThat(SqlLexer.tokenize("?12 :name @n #t")).extracting(Token::kind).containsOnly(Kind.VARIABLE);
    }

    @Test
    void keywordsCompareInAsciiOnly() {
        Token dotlessI = SqlLexer.tokenize("begın").getFirst();
        assertThat(dotlessI.is("BEGIN")).isFalse();
        assertThat(SqlLexer.tokenize("BeGiN").getFirst().is("BEGIN")).isTrue();
    }

    @Test
    void triggerBodiesAreSplitIntoTheirOwnStatements() {
        List<SqlPolicy.Statement> statements = SqlPolicy.split(SqlLexer.tokenize(
                "CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT CASE WHEN 1 THEN 2 END; DELETE FROM u; END; SELECT 3"));
        assertThat(statements).extracting(SqlPolicy.Statement::inTriggerBody).containsExactly(false, true, true, false);
        assertThat(statements.get(3).tokens().getFirst().is("SELECT")).isTrue();
    }
}
