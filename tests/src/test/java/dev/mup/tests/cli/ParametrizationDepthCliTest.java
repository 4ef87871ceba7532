package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.gpt.Gpt;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code parametrization --depth --depth-exponent --epsilon-scaling}: the table of the example GPT
 * at a depth, checked against the α-parametrization's formulas computed here (m_N = width / base
 * width, m_L = depth / base depth): hidden matrices' Adam learning rate {@code m_N⁻¹ · m_L^(α−1)},
 * residual branches {@code m_L^(−α)}, and, under the hidden ε rule, block parameters' ε
 * {@code m_N⁻¹ · m_L^(−α)} while the embeddings keep the global ε.
 */
class ParametrizationDepthCliTest {

    /** The cells of the table row of a parameter. */
    private static List<String> row(String table, String parameter) {
        return Arrays.stream(table.split("\n"))
                .filter(line -> line.startsWith(parameter + " "))
                .map(line -> List.of(line.trim().split("\\s+")))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + parameter + " in\n" + table));
    }

    @Test
    void theTableAtADepthFollowsTheDepthRules() {
        int width = 4 * Gpt.BASE_WIDTH;
        int depth = 4 * Gpt.BASE_DEPTH;
        double alpha = 0.5;
        double mN = (double) width / Gpt.BASE_WIDTH;
        double mL = (double) depth / Gpt.BASE_DEPTH;
        CliTest.Run r = CliTest.run("parametrization", "--task", "gpt", "--width", String.valueOf(width),
                "--depth", String.valueOf(depth), "--depth-exponent", String.valueOf(alpha),
                "--epsilon-scaling", "hidden");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("depth " + depth + " (blocks, base " + Gpt.BASE_DEPTH + "): m_L = 4;"
                + " residual branches × 0.5"), lines[0]);
        assertTrue(lines[1].startsWith("parameter") && lines[1].trim().endsWith("eps mult"), lines[1]);
        // parameter, shape, class, init std, forward, lr mult, wd mult, eps mult
        List<String> query = row(r.out(), "blocks." + (depth - 1) + ".attention.query.weight");
        assertEquals("Hidden", query.get(2));
        assertEquals(Math.pow(mN, -1) * Math.pow(mL, alpha - 1), Double.parseDouble(query.get(5)), 1e-6);
        assertEquals(Math.pow(mN, -1) * Math.pow(mL, -alpha), Double.parseDouble(query.get(7)), 1e-6);
        List<String> embedding = row(r.out(), "tokens.embedding");
        assertEquals(1.0, Double.parseDouble(embedding.get(5)), 0);
        assertEquals(1.0, Double.parseDouble(embedding.get(7)), 0);
    }

    @Test
    void withoutScaledEpsilonTheTableHasNoEpsilonColumnAndAtTheBaseDepthNothingScales() {
        CliTest.Run r = CliTest.run("parametrization", "--task", "gpt", "--width", String.valueOf(Gpt.BASE_WIDTH),
                "--depth-exponent", "1");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("depth " + Gpt.BASE_DEPTH + " (blocks, base " + Gpt.BASE_DEPTH
                + "): m_L = 1; residual branches × 1"), lines[0]);
        assertFalse(r.out().contains("eps mult"), r.out());
        assertEquals(1.0, Double.parseDouble(row(r.out(), "blocks.0.up.weight").get(5)), 0);
    }

    @Test
    void badDepthOptionsAreOneLineWithExitTwo() {
        String[][] cases = {
            {"--task", "mlp", "--depth", "4"}, {"needs a task with a depth axis; mlp has none"},
            {"--task", "mlp", "--depth-exponent", "1"}, {"--depth-exponent needs a task with a depth axis"},
            {"--task", "gpt", "--depth-exponent", "2"}, {"--depth-exponent must be in [0, 1]"},
            {"--task", "gpt", "--depth", "0"}, {"--depth"},
            {"--task", "gpt", "--epsilon", "1e-6"}, {"Unknown options: '--epsilon'"},
            {"--task", "gpt", "--optimizer", "sgd", "--epsilon-scaling", "hidden"}, {"sgd adds no ε"},
            {"--task", "gpt", "--optimizer", "lion", "--epsilon-scaling", "hidden"}, {"lion adds no ε"},
            {"--task", "gpt", "--optimizer", "adam-atan2", "--epsilon-scaling", "global"}, {"adam-atan2 has no ε"},
            {"--task", "gpt", "--epsilon-scaling", "sideways"}, {"--epsilon-scaling"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            String[] args = new String[cases[i].length + 1];
            args[0] = "parametrization";
            System.arraycopy(cases[i], 0, args, 1, cases[i].length);
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(cases[i + 1][0]), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().isEmpty(), r.out());
            if (!cases[i + 1][0].startsWith("Unknown option")) { // picocli adds the usage to those
                assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            }
        }
    }
}
