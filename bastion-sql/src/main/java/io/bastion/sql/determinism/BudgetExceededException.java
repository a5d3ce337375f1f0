package io.bastion.sql.determinism;

import java.sql.SQLException;

/**
 * A request went over its budget ({@link RequestBudget}): SQLite stopped its statement, and every
 * later call it makes on its connection fails with this too. The engine rolls the request back and
 * answers its client with {@link #getMessage()}, which names the limit and is the same at every
 * replica.
 */
public final class BudgetExceededException extends SQLException {
    /** SQLSTATE class 54: program limit exceeded. */
    private static final String SQL_STATE = "54000";

    BudgetExceededException(String message) {
        super(message, SQL_STATE);
    }
}
