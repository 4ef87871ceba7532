package dev.mup.tests.support;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The numbers computed with microsoft/mup, copied from {@code ../shared/reference/mup/} into the
 * test resources so the tests run on a fresh clone.
 */
public final class Reference {

    /** mup's parameter names of its test MLP, by the field names of the example {@code Mlp}. */
    public static final Map<String, String> MUP_LAYER = Map.of("input", "0", "hidden", "2", "readout", "4");

    private Reference() {}

    /**
     * Reads a JSON resource.
     *
     * @param name file name in {@code /reference/mup/}
     * @return the parsed object
     */
    public static JsonObject json(String name) {
        String path = "/reference/mup/" + name;
        try (InputStream in = Reference.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The trajectory archive.
     *
     * @return the archive
     */
    public static NpyArchive trajectory() {
        try {
            return NpyArchive.load("/reference/mup/mlp_trajectory.npz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Another archive of reference numbers.
     *
     * @param name file name in {@code /reference/mup/}, e.g. {@code cnn_trajectory.npz}
     * @return the archive
     */
    public static NpyArchive archive(String name) {
        try {
            return NpyArchive.load("/reference/mup/" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * mup's name of a parameter of the example MLP ({@code hidden.weight} → {@code 2.weight}).
     *
     * @param ourName {@code field.parameter}
     * @return mup's name
     */
    public static String mupName(String ourName) {
        int dot = ourName.indexOf('.');
        return MUP_LAYER.get(ourName.substring(0, dot)) + ourName.substring(dot);
    }
}
