package dev.mup.workflow.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link TrialStore} on a JDBC connection, for SQLite and PostgreSQL. Every write is one
 * short transaction, so a worker that is killed at any point leaves the database consistent:
 * at worst its trial stays {@code RUNNING} until the lease expires.
 *
 * <p>Times ({@code lease_until}, {@code finished_at}, {@code created_at}) are milliseconds
 * since the epoch, by the database's clock ({@link Dialect#nowMillis()}). NaN losses are stored
 * as SQL NULL (SQLite cannot store NaN); the status tells a NaN from a missing result.
 */
final class JdbcTrialStore implements TrialStore {

    /** The layout of the tables below; a store written by another layout is refused, not guessed at. */
    static final int SCHEMA_VERSION = 1;

    static final String META = "sweep_meta";
    static final String TRIALS = "sweep_trials";

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)([^&;]*)");

    private final Dialect dialect;
    private final String shownUrl;
    private final Connection connection;
    private boolean closed;

    private JdbcTrialStore(Dialect dialect, String shownUrl, Connection connection) {
        this.dialect = dialect;
        this.shownUrl = shownUrl;
        this.connection = connection;
    }

    static JdbcTrialStore open(String jdbcUrl) {
        Dialect dialect = Dialect.of(jdbcUrl);
        String shown = redact(jdbcUrl);
        Connection connection = connect(dialect, jdbcUrl, shown);
        JdbcTrialStore store = new JdbcTrialStore(dialect, shown, connection);
        try {
            store.prepareSchema();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static Connection connect(Dialect dialect, String jdbcUrl, String shown) {
        try {
            Class.forName(dialect.driverClass);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot open the trial store " + shown + ": the " + dialect.displayName
                    + " JDBC driver (" + dialect.artifact + ") is not on the class path; mup-runtime brings it"
                    + " as a runtime dependency, so put it back if you excluded it", e);
        }
        Driver driver;
        try {
            driver = DriverManager.getDriver(jdbcUrl);
        } catch (SQLException e) {
            throw malformed(shown, e);
        }
        Connection c;
        try {
            c = driver.connect(jdbcUrl, dialect.connectionProperties());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the trial store " + shown + ": "
                    + redactMessage(e.getMessage(), jdbcUrl), e);
        }
        if (c == null) {
            throw malformed(shown, null);
        }
        return c;
    }

    private static IllegalArgumentException malformed(String shown, Exception cause) {
        return new IllegalArgumentException("malformed trial store URL " + shown
                + ": --store must be jdbc:sqlite:FILE or jdbc:postgresql://host/db", cause);
    }

    /**
     * The URL with any password replaced by {@code ***}, for messages.
     *
     * @param jdbcUrl a URL, or null
     * @return the URL fit to print
     */
    static String redact(String jdbcUrl) {
        return jdbcUrl == null ? "null" : PASSWORD.matcher(jdbcUrl).replaceAll("$1***");
    }

    private static String redactMessage(String message, String jdbcUrl) {
        if (message == null) {
            return "(no message)";
        }
        Matcher m = PASSWORD.matcher(jdbcUrl);
        while (m.find()) {
            if (!m.group(2).isEmpty()) {
                message = message.replace(m.group(2), "***");
            }
        }
        return message;
    }

    // ---------------------------------------------------------------------------------- schema

    /**
     * Creates the tables in an empty database, or checks that the tables there are this store's,
     * of this schema version. Runs under a lock so that workers starting together on an empty
     * database create the schema once.
     */
    private void prepareSchema() {
        write("prepare the schema", c -> {
            dialect.lockSchema(c);
            List<String> tables = dialect.tables(c);
            if (tables.isEmpty()) {
                createSchema(c);
                return null;
            }
            if (tables.contains(META)) {
                int version = schemaVersion(c);
                if (version != SCHEMA_VERSION) {
                    throw new IllegalStateException("the trial store " + shownUrl + " has store schema version "
                            + version + ", this version reads " + SCHEMA_VERSION
                            + ": use the version of mup that wrote it, or another store");
                }
            }
            if (!tables.equals(List.of(META, TRIALS))) {
                throw new IllegalStateException("the database " + shownUrl + " holds other tables " + tables
                        + " than a trial store's " + List.of(META, TRIALS)
                        + ": use a new SQLite file or an empty PostgreSQL database (or schema, with currentSchema=)");
            }
            return null;
        });
    }

    private int schemaVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT schema_version FROM " + META + " WHERE id = 1")) {
            if (!r.next()) {
                throw new IllegalStateException("the trial store " + shownUrl + " has an empty " + META
                        + " table: it was not written by this library; use another store");
            }
            return r.getInt(1);
        }
    }

    private void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + META + " ("
                    + "id INTEGER PRIMARY KEY CHECK (id = 1), "
                    + "schema_version INTEGER NOT NULL, "
                    + "definition TEXT, "
                    + "fingerprint VARCHAR(64), "
                    + "created_at BIGINT NOT NULL, "
                    + "initialized_at BIGINT)");
            s.execute("CREATE TABLE " + TRIALS + " ("
                    + "id BIGINT PRIMARY KEY, "
                    + "key TEXT NOT NULL UNIQUE, "
                    + "parametrization TEXT NOT NULL, "
                    + "width INTEGER NOT NULL, "
                    + "seed INTEGER NOT NULL, "
                    + "hyperparameters TEXT NOT NULL, "
                    + "status VARCHAR(16) NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'DIVERGED')), "
                    + "worker TEXT, "
                    + "token VARCHAR(36), "
                    + "lease_until BIGINT, "
                    + "attempts INTEGER NOT NULL DEFAULT 0, "
                    + "train_loss DOUBLE PRECISION, "
                    + "valid_loss DOUBLE PRECISION, "
                    + "steps INTEGER, "
                    + "seconds DOUBLE PRECISION, "
                    + "finished_at BIGINT)");
            s.execute("CREATE INDEX " + TRIALS + "_status ON " + TRIALS + " (status, id)");
            s.execute("INSERT INTO " + META + " (id, schema_version, created_at) VALUES (1, "
                    + SCHEMA_VERSION + ", " + dialect.nowMillis() + ")");
        }
    }

    // ---------------------------------------------------------------------------------- sweep

    @Override
    public synchronized void initialize(String definitionJson, List<TrialSpec> trials) {
        Objects.requireNonNull(trials, "trials");
        if (definitionJson == null || definitionJson.isBlank()) {
            throw new IllegalArgumentException("the sweep definition is blank: pass the JSON that describes the sweep");
        }
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one trial");
        }
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < trials.size(); i++) {
            TrialSpec spec = Objects.requireNonNull(trials.get(i), () -> "trials contains null");
            Integer before = positions.putIfAbsent(spec.key(), i);
            if (before != null) {
                throw new IllegalArgumentException("trial " + spec.key() + " appears twice, at positions "
                        + before + " and " + i + ": every trial of a sweep must differ");
            }
        }
        List<String> keys = trials.stream().map(TrialSpec::key).toList();
        String fingerprint = fingerprint(definitionJson, keys);
        write("initialize the sweep", c -> {
            String storedDefinition;
            String storedFingerprint;
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT definition, fingerprint FROM " + META + " WHERE id = 1"
                         + dialect.lockRow())) {
                r.next();
                storedDefinition = r.getString(1);
                storedFingerprint = r.getString(2);
            }
            if (storedDefinition == null) {
                insertSweep(c, definitionJson, fingerprint, trials);
            } else if (!storedFingerprint.equals(fingerprint)) {
                throw differentSweep(c, storedDefinition, storedFingerprint, definitionJson, fingerprint, keys);
            }
            return null;
        });
    }

    private void insertSweep(Connection c, String definition, String fingerprint, List<TrialSpec> trials)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + META
                + " SET definition = ?, fingerprint = ?, initialized_at = " + dialect.nowMillis() + " WHERE id = 1")) {
            s.setString(1, definition);
            s.setString(2, fingerprint);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TRIALS
                + " (id, key, parametrization, width, seed, hyperparameters, status, attempts)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0)")) {
            long id = 1;
            for (TrialSpec spec : trials) {
                s.setLong(1, id++);
                s.setString(2, spec.key());
                s.setString(3, spec.parametrization());
                s.setInt(4, spec.width());
                s.setInt(5, spec.seed());
                s.setString(6, hyperparametersJson(spec));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * The hyperparameters as a JSON object, for people and SQL that query the table; the store
     * itself reads specs back from the key. Names are letters, digits and {@code _.-}, and
     * {@link Double#toString(double)} of a finite value is a JSON number, so nothing needs escaping.
     */
    private static String hyperparametersJson(TrialSpec spec) {
        StringBuilder b = new StringBuilder("{");
        spec.hyperparameters().forEach((name, value) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(name).append("\":").append(value);
        });
        return b.append('}').toString();
    }

    /** SHA-256 of the definition and the set of trial keys: what makes two sweeps the same. */
    static String fingerprint(String definition, List<String> keys) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(definition.getBytes(StandardCharsets.UTF_8));
            for (String key : keys.stream().sorted().toList()) {
                sha.update((byte) '\n');
                sha.update(key.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private IllegalStateException differentSweep(Connection c, String storedDefinition, String storedFingerprint,
            String definition, String fingerprint, List<String> keys) throws SQLException {
        List<String> storedKeys = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT key FROM " + TRIALS + " ORDER BY id")) {
            while (r.next()) {
                storedKeys.add(r.getString(1));
            }
        }
        String difference;
        if (!storedDefinition.equals(definition)) {
            int at = 0;
            while (at < storedDefinition.length() && at < definition.length()
                    && storedDefinition.charAt(at) == definition.charAt(at)) {
                at++;
            }
            difference = "the definitions differ at character " + at + ": the store has "
                    + excerpt(storedDefinition, at) + ", this sweep has " + excerpt(definition, at);
        } else {
            Set<String> stored = new HashSet<>(storedKeys);
            Set<String> given = new HashSet<>(keys);
            difference = keys.stream().filter(k -> !stored.contains(k)).findFirst()
                    .map(k -> "trial " + k + " is in this sweep but not in the store")
                    .orElseGet(() -> storedKeys.stream().filter(k -> !given.contains(k)).findFirst()
                            .map(k -> "trial " + k + " is in the store but not in this sweep")
                            .orElse("the trials differ"));
        }
        return new IllegalStateException("the trial store " + shownUrl + " holds a different sweep (fingerprint "
                + storedFingerprint.substring(0, 12) + ", " + storedKeys.size() + " trials) than this one (fingerprint "
                + fingerprint.substring(0, 12) + ", " + keys.size() + " trials): " + difference
                + ". Use another store (a new SQLite file or PostgreSQL database) for a different sweep;"
                + " nothing was written");
    }

    private static String excerpt(String text, int at) {
        int from = Math.max(0, at - 20);
        int to = Math.min(text.length(), at + 20);
        return "'" + (from > 0 ? "..." : "") + text.substring(from, to) + (to < text.length() ? "..." : "") + "'";
    }

    @Override
    public synchronized Optional<String> definition() {
        return read("read the definition", c -> {
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT definition FROM " + META + " WHERE id = 1")) {
                return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.<String>empty();
            }
        });
    }

    // ---------------------------------------------------------------------------------- claims

    @Override
    public synchronized Optional<ClaimedTrial> claim(String worker, Duration lease) {
        if (worker == null || worker.isBlank()) {
            throw new IllegalArgumentException("the worker's name must not be blank");
        }
        long leaseMillis = leaseMillis(lease);
        String token = UUID.randomUUID().toString();
        return write("claim a trial", c -> {
            long id;
            String key;
            try (PreparedStatement s = c.prepareStatement("SELECT id, key FROM " + TRIALS
                    + " WHERE status = 'PENDING' OR (status = 'RUNNING' AND lease_until < " + dialect.nowMillis() + ")"
                    + " ORDER BY id LIMIT 1" + dialect.lockFirstFreeRow());
                 ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.<ClaimedTrial>empty();
                }
                id = r.getLong(1);
                key = r.getString(2);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE " + TRIALS
                    + " SET status = 'RUNNING', worker = ?, token = ?, lease_until = " + dialect.nowMillis() + " + ?,"
                    + " attempts = attempts + 1 WHERE id = ?")) {
                s.setString(1, worker);
                s.setString(2, token);
                s.setLong(3, leaseMillis);
                s.setLong(4, id);
                s.executeUpdate();
            }
            return Optional.of(new ClaimedTrial(id, TrialSpec.parseKey(key), worker, token));
        });
    }

    @Override
    public synchronized Optional<ClaimedTrial> claim(long id, String worker, Duration lease) {
        if (worker == null || worker.isBlank()) {
            throw new IllegalArgumentException("the worker's name must not be blank");
        }
        long leaseMillis = leaseMillis(lease);
        String token = UUID.randomUUID().toString();
        return write("claim trial " + id, c -> {
            // One conditional update: PostgreSQL re-checks the condition once it holds the row,
            // SQLite runs it under the write lock, so two claimants never both succeed.
            try (PreparedStatement s = c.prepareStatement("UPDATE " + TRIALS
                    + " SET status = 'RUNNING', worker = ?, token = ?, lease_until = " + dialect.nowMillis() + " + ?,"
                    + " attempts = attempts + 1 WHERE id = ? AND (status = 'PENDING'"
                    + " OR (status = 'RUNNING' AND lease_until < " + dialect.nowMillis() + "))")) {
                s.setString(1, worker);
                s.setString(2, token);
                s.setLong(3, leaseMillis);
                s.setLong(4, id);
                if (s.executeUpdate() != 1) {
                    return Optional.<ClaimedTrial>empty();
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT key FROM " + TRIALS + " WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return Optional.of(new ClaimedTrial(id, TrialSpec.parseKey(r.getString(1)), worker, token));
                }
            }
        });
    }

    @Override
    public synchronized boolean renew(ClaimedTrial trial, Duration lease) {
        Objects.requireNonNull(trial, "trial");
        long leaseMillis = leaseMillis(lease);
        return write("renew the lease of trial " + trial.spec().key(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE " + TRIALS
                    + " SET lease_until = " + dialect.nowMillis() + " + ?"
                    + " WHERE id = ? AND token = ? AND status = 'RUNNING'")) {
                s.setLong(1, leaseMillis);
                s.setLong(2, trial.id());
                s.setString(3, trial.token());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized boolean complete(ClaimedTrial trial, TrialResult result) {
        Objects.requireNonNull(trial, "trial");
        Objects.requireNonNull(result, "result");
        TrialStatus status = result.diverged() ? TrialStatus.DIVERGED : TrialStatus.COMPLETED;
        return write("record the result of trial " + trial.spec().key(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE " + TRIALS
                    + " SET status = ?, train_loss = ?, valid_loss = ?, steps = ?, seconds = ?,"
                    + " finished_at = " + dialect.nowMillis() + ", token = NULL, lease_until = NULL"
                    + " WHERE id = ? AND token = ? AND status = 'RUNNING'")) {
                s.setString(1, status.name());
                setLoss(s, 2, result.trainLoss());
                setLoss(s, 3, result.validLoss());
                s.setInt(4, result.steps());
                s.setDouble(5, result.seconds());
                s.setLong(6, trial.id());
                s.setString(7, trial.token());
                return s.executeUpdate() == 1;
            }
        });
    }

    private static void setLoss(PreparedStatement s, int index, double loss) throws SQLException {
        if (Double.isNaN(loss)) {
            s.setNull(index, Types.DOUBLE);
        } else {
            s.setDouble(index, loss);
        }
    }

    @Override
    public synchronized void release(ClaimedTrial trial) {
        Objects.requireNonNull(trial, "trial");
        write("release trial " + trial.spec().key(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE " + TRIALS
                    + " SET status = 'PENDING', worker = NULL, token = NULL, lease_until = NULL"
                    + " WHERE id = ? AND token = ? AND status = 'RUNNING'")) {
                s.setLong(1, trial.id());
                s.setString(2, trial.token());
                return s.executeUpdate();
            }
        });
    }

    private static long leaseMillis(Duration lease) {
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, got " + lease);
        }
        return lease.toMillis() == 0 ? 1 : lease.toMillis();
    }

    // ---------------------------------------------------------------------------------- reading

    private static final String RECORD_COLUMNS =
            "id, key, status, worker, attempts, train_loss, valid_loss, steps, seconds";

    @Override
    public synchronized List<TrialRecord> trials() {
        return read("list the trials", c -> {
            List<TrialRecord> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT " + RECORD_COLUMNS + " FROM " + TRIALS + " ORDER BY id")) {
                while (r.next()) {
                    out.add(record(r));
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public synchronized Optional<TrialRecord> trial(long id) {
        return read("read trial " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + RECORD_COLUMNS + " FROM " + TRIALS
                    + " WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(record(r)) : Optional.<TrialRecord>empty();
                }
            }
        });
    }

    private static TrialRecord record(ResultSet r) throws SQLException {
        TrialStatus status = TrialStatus.valueOf(r.getString(3));
        TrialResult result = null;
        if (status.finished()) {
            result = new TrialResult(loss(r, 6), loss(r, 7), r.getInt(8), r.getDouble(9));
        }
        return new TrialRecord(r.getLong(1), TrialSpec.parseKey(r.getString(2)), status, result,
                r.getString(4), r.getInt(5));
    }

    private static double loss(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? Double.NaN : v;
    }

    @Override
    public synchronized SweepProgress progress() {
        return read("count the trials", c -> {
            Map<TrialStatus, Integer> counts = new EnumMap<>(TrialStatus.class);
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT status, COUNT(*) FROM " + TRIALS + " GROUP BY status")) {
                while (r.next()) {
                    counts.put(TrialStatus.valueOf(r.getString(1)), r.getInt(2));
                }
            }
            int pending = counts.getOrDefault(TrialStatus.PENDING, 0);
            int running = counts.getOrDefault(TrialStatus.RUNNING, 0);
            int completed = counts.getOrDefault(TrialStatus.COMPLETED, 0);
            int diverged = counts.getOrDefault(TrialStatus.DIVERGED, 0);
            return new SweepProgress(pending + running + completed + diverged, pending, running, completed, diverged);
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing the trial store " + shownUrl + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TrialStore[" + shownUrl + "]";
    }

    // ---------------------------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs work in one write transaction; rolls back on any failure. */
    private <T> T write(String what, Work<T> work) {
        ensureOpen();
        try {
            dialect.begin(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
        boolean committed = false;
        try {
            T result = work.run(connection);
            dialect.commit(connection);
            committed = true;
            return result;
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            if (!committed) {
                try {
                    dialect.rollback(connection);
                } catch (SQLException ignored) {
                    // The failure that got us here is the one to report; the transaction is gone either way.
                }
            }
        }
    }

    /** Runs one reading statement (consistent by itself) outside any write transaction. */
    private <T> T read(String what, Work<T> work) {
        ensureOpen();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the trial store " + shownUrl + " is closed");
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("trial store " + shownUrl + ": could not " + what + ": " + e.getMessage(), e);
    }
}
