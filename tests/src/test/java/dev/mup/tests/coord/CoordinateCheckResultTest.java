package dev.mup.tests.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.coord.CoordinateRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spread, growth and shrinking of hand-made records, independent of any training. */
class CoordinateCheckResultTest {

    private static final List<Integer> WIDTHS = List.of(64, 128, 256);

    private static CoordinateCheckResult result(String layer, double... l1) {
        List<CoordinateRecord> records = new ArrayList<>();
        for (int i = 0; i < WIDTHS.size(); i++) {
            records.add(new CoordinateRecord(WIDTHS.get(i), layer, 1, l1[i]));
        }
        return new CoordinateCheckResult(records);
    }

    @Test
    void aLayerShrinksOnlyWhenTheNarrowestIsLargestAndTheWidestSmallest() {
        CoordinateCheckResult falling = result("readout", 6.0, 4.5, 3.0);
        assertTrue(falling.shrinks("readout", 1));
        assertEquals(2.0, falling.spread("readout", 1), 1e-12);
        assertEquals(0.5, falling.growth("readout", 1), 1e-12);

        assertFalse(result("down", 1.0, 2.0, 4.0).shrinks("down", 1), "growing");
        assertFalse(result("down", 2.0, 6.0, 1.0).shrinks("down", 1), "up, then below the start");
        assertFalse(result("down", 2.0, 1.0, 1.5).shrinks("down", 1), "the widest is not the smallest");
        assertFalse(result("down", 1.0, 1.0, 1.0).shrinks("down", 1), "flat");
    }
}
