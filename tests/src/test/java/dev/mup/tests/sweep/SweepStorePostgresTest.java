package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The trial store contract on a real PostgreSQL server, each test in its own schema (selected
 * with {@code currentSchema=}) that is dropped afterwards.
 *
 * <p>Needs {@code MUP_TEST_POSTGRES_URL}, for example
 * {@code jdbc:postgresql://127.0.0.1:5432/mup_test?user=mup&password=mup}, as
 * {@code eval "$(.ci/postgres.sh)"} sets it. Without it these tests are skipped, unless
 * {@code MUP_REQUIRE_POSTGRES=1} (as in CI), which makes that a failure.
 */
class SweepStorePostgresTest extends SweepStoreContract {

    static final String URL_VARIABLE = "MUP_TEST_POSTGRES_URL";
    static final String REQUIRE_VARIABLE = "MUP_REQUIRE_POSTGRES";

    private static String server;
    private static boolean toldWhy;
    private String schema;

    @BeforeAll
    static void findServer() {
        server = System.getenv(URL_VARIABLE);
    }

    /** Skips (or, with MUP_REQUIRE_POSTGRES=1, fails) each test when no server is configured. */
    private static void needsAServer() {
        if (server != null && !server.isBlank()) {
            return;
        }
        String how = URL_VARIABLE + " is not set; to run them against a local throwaway server run"
                + " `eval \"$(.ci/postgres.sh)\"` (which exports " + URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/mup_test?user=mup&password=mup) before mvn";
        if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
            fail("PostgreSQL trial store tests are required (" + REQUIRE_VARIABLE + "=1) but " + how);
        }
        if (!toldWhy) {
            toldWhy = true;
            System.err.println("SKIPPED: PostgreSQL trial store tests: " + how);
        }
        Assumptions.abort("PostgreSQL trial store tests skipped: " + how
                + "; set " + REQUIRE_VARIABLE + "=1 to make a missing server a failure");
    }

    @Override
    String newStoreUrl() throws SQLException {
        needsAServer();
        schema = "mup_test_" + UUID.randomUUID().toString().replace("-", "");
        sql(server, "CREATE SCHEMA " + schema);
        return server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) {
            sql(server, "DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
