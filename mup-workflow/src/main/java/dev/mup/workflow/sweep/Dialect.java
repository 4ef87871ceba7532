package dev.mup.workflow.sweep;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What differs between the two databases a {@link TrialStore} runs on: how a write transaction
 * takes its lock, how rows are locked, which clock leases use, and where the tables are listed.
 * Everything else is the same SQL.
 */
enum Dialect {

    /**
     * An embedded file. SQLite has one writer at a time, so a write transaction starts with
     * {@code BEGIN IMMEDIATE}, which takes the write lock up front (waiting up to the busy
     * timeout): the select and update of a claim then see no concurrent writer, and no
     * transaction ever has to be retried because another wrote after it read. WAL lets readers
     * (progress, listings) go on meanwhile. Leases use the local clock, in milliseconds since the
     * epoch, which every process on the machine shares.
     */
    SQLITE("jdbc:sqlite:", "org.sqlite.JDBC", "org.xerial:sqlite-jdbc", "SQLite") {
        @Override
        Properties connectionProperties() {
            Properties p = new Properties();
            p.setProperty("busy_timeout", "60000");
            p.setProperty("journal_mode", "WAL");
            return p;
        }

        @Override
        String nowMillis() {
            return "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
        }

        @Override
        String lockRow() {
            return "";
        }

        @Override
        String lockFirstFreeRow() {
            return "";
        }

        @Override
        void begin(Connection c) throws SQLException {
            execute(c, "BEGIN IMMEDIATE");
        }

        @Override
        void commit(Connection c) throws SQLException {
            execute(c, "COMMIT");
        }

        @Override
        void rollback(Connection c) throws SQLException {
            execute(c, "ROLLBACK");
        }

        @Override
        void lockSchema(Connection c) {
            // BEGIN IMMEDIATE already excludes every other writer.
        }

        @Override
        List<String> tables(Connection c) throws SQLException {
            return strings(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
        }
    },

    /**
     * A server shared by workers on several machines. A claim locks the first claimable row with
     * {@code FOR UPDATE SKIP LOCKED}: workers claiming at the same time take different rows
     * without waiting for each other. Leases use the server's clock ({@code now()}), never a
     * worker's, so workers whose clocks disagree still agree on when a lease expired.
     */
    POSTGRESQL("jdbc:postgresql:", "org.postgresql.Driver", "org.postgresql:postgresql", "PostgreSQL") {
        /** Arbitrary key of the advisory lock that serializes creating the schema. */
        private static final long SCHEMA_LOCK = 0x6d75705f73776570L;

        @Override
        Properties connectionProperties() {
            Properties p = new Properties();
            p.setProperty("connectTimeout", "10");
            p.setProperty("ApplicationName", "mup-sweep");
            p.setProperty("tcpKeepAlive", "true");
            return p;
        }

        @Override
        String nowMillis() {
            return "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)";
        }

        @Override
        String lockRow() {
            return " FOR UPDATE";
        }

        @Override
        String lockFirstFreeRow() {
            return " FOR UPDATE SKIP LOCKED";
        }

        @Override
        void begin(Connection c) throws SQLException {
            c.setAutoCommit(false);
        }

        @Override
        void commit(Connection c) throws SQLException {
            c.commit();
            c.setAutoCommit(true);
        }

        @Override
        void rollback(Connection c) throws SQLException {
            c.rollback();
            c.setAutoCommit(true);
        }

        @Override
        void lockSchema(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                s.setLong(1, SCHEMA_LOCK);
                s.executeQuery().close();
            }
        }

        @Override
        List<String> tables(Connection c) throws SQLException {
            if (strings(c, "SELECT current_schema()").get(0) == null) {
                throw new IllegalStateException("no schema to hold the store: the schema named by"
                        + " currentSchema does not exist (create it, or leave currentSchema out to use public)");
            }
            return strings(c, "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() ORDER BY table_name");
        }
    };

    final String prefix;
    final String driverClass;
    final String artifact;
    final String displayName;

    Dialect(String prefix, String driverClass, String artifact, String displayName) {
        this.prefix = prefix;
        this.driverClass = driverClass;
        this.artifact = artifact;
        this.displayName = displayName;
    }

    /**
     * The dialect a URL names.
     *
     * @param jdbcUrl the store's URL
     * @return its dialect
     * @throws IllegalArgumentException when it is neither SQLite nor PostgreSQL
     */
    static Dialect of(String jdbcUrl) {
        if (jdbcUrl != null) {
            for (Dialect d : values()) {
                if (jdbcUrl.startsWith(d.prefix) && jdbcUrl.length() > d.prefix.length()) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("'" + JdbcTrialStore.redact(jdbcUrl)
                + "' is not a trial store URL: --store must be jdbc:sqlite:FILE or jdbc:postgresql://host/db");
    }

    /** Driver settings the store relies on; settings in the URL take precedence. */
    abstract Properties connectionProperties();

    /** An SQL expression for the current time in milliseconds since the epoch, by this database's clock. */
    abstract String nowMillis();

    /** The clause that locks the selected row until the transaction ends. */
    abstract String lockRow();

    /** The clause that locks the first selected row that no other transaction has locked. */
    abstract String lockFirstFreeRow();

    /** Starts a write transaction. */
    abstract void begin(Connection c) throws SQLException;

    /** Commits the transaction {@link #begin} started. */
    abstract void commit(Connection c) throws SQLException;

    /** Rolls back the transaction {@link #begin} started. */
    abstract void rollback(Connection c) throws SQLException;

    /** Within a write transaction, waits until no other connection is creating the schema. */
    abstract void lockSchema(Connection c) throws SQLException;

    /** The tables where the store would live, sorted. */
    abstract List<String> tables(Connection c) throws SQLException;

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
