package dev.mup.runtime;

import ai.djl.MalformedModelException;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The parametrization a checkpoint of a μP model carries, so that its weights are never read
 * into a model that would compute another function from them.
 *
 * <p>Every generated model saves this header before its DJL parameters ({@code Model.save} calls
 * {@code Block.saveParameters}) and checks it before loading them. The header is one marker byte
 * ({@value #MARKER}), the text {@value #MAGIC}, a format number, and a JSON object with two parts:
 *
 * <ul>
 *   <li>{@code compared}: what decides the function and the training of the saved weights, in
 *       this order: the model class, the parametrization (μP or SP), the readout form, every
 *       width and its base, every annotated layer's role and widths, every readout's output
 *       multiplier α_out, every attention's head layout and logit scale, every tied readout's
 *       logit multiplier. Loading into a model that differs in any of these is refused with a
 *       {@link MalformedModelException} naming the first difference;
 *   <li>{@code recorded}: what only decides the initial draw (init mode, zero inits), which a
 *       loaded model never uses: kept for the record, not compared.
 * </ul>
 *
 * <p>A checkpoint of the plain (unannotated) model has no header; the μP class refuses it, and
 * the plain class refuses a μP checkpoint (DJL reports the marker as an unexpected block
 * version). Generated code calls {@link #save} and {@link #load}; users do not.
 */
public final class MuCheckpoint {

    /** The first byte of a μP checkpoint, where a plain block writes its version byte. */
    public static final byte MARKER = (byte) 0xB5;

    /** The text after the marker. */
    public static final String MAGIC = "dev.mup.checkpoint";

    /** The version of the header's layout. */
    static final int FORMAT = 1;

    private static final Gson GSON = new Gson();

    private MuCheckpoint() {}

    /**
     * Writes the header of a μP model's checkpoint; the model's parameters follow it.
     *
     * @param parametrization the model's parametrization
     * @param os the stream {@code Block.saveParameters} writes to
     * @throws IOException when writing fails
     */
    public static void save(MuParametrization parametrization, DataOutputStream os) throws IOException {
        Objects.requireNonNull(parametrization, "parametrization");
        JsonObject header = new JsonObject();
        header.add("compared", GSON.toJsonTree(compared(parametrization)));
        header.add("recorded", GSON.toJsonTree(recorded(parametrization)));
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        os.writeByte(MARKER);
        os.writeUTF(MAGIC);
        os.writeInt(FORMAT);
        os.writeInt(json.length);
        os.write(json);
    }

    /**
     * Reads the header of a checkpoint and checks that its weights belong to a model with this
     * parametrization; the model's parameters follow it.
     *
     * @param parametrization the parametrization of the model being loaded
     * @param is the stream {@code Block.loadParameters} reads from
     * @throws MalformedModelException when the checkpoint has no μP header (a plain model's
     *     checkpoint) or was saved with another parametrization, naming the first difference
     * @throws IOException when reading fails
     */
    public static void load(MuParametrization parametrization, DataInputStream is)
            throws IOException, MalformedModelException {
        Objects.requireNonNull(parametrization, "parametrization");
        String model = parametrization.modelName() + "MuP";
        byte first = is.readByte();
        if (first != MARKER) {
            throw notMuP(model, "its first byte is " + first + ", a plain block's version", null);
        }
        JsonObject saved = readHeader(model, is);
        Map<String, String> expected = compared(parametrization);
        JsonObject had = saved.has("compared") && saved.get("compared").isJsonObject()
                ? saved.getAsJsonObject("compared") : null;
        if (had == null) {
            throw notMuP(model, "its μP header lists no parametrization", null);
        }
        for (Map.Entry<String, JsonElement> e : had.entrySet()) {
            String mine = expected.get(e.getKey());
            String theirs = e.getValue().getAsString();
            if (!theirs.equals(mine)) {
                throw different(model, e.getKey(), theirs, mine == null ? "none" : mine);
            }
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!had.has(e.getKey())) {
                throw different(model, e.getKey(), "none", e.getValue());
            }
        }
    }

    private static JsonObject readHeader(String model, DataInputStream is)
            throws IOException, MalformedModelException {
        try {
            if (!MAGIC.equals(is.readUTF())) {
                throw notMuP(model, "it has no μP header", null);
            }
            int format = is.readInt();
            if (format != FORMAT) {
                throw new MalformedModelException("The checkpoint's μP header has format " + format
                        + ", which this version of the μP runtime (format " + FORMAT + ") cannot read:"
                        + " load it with the runtime that saved it");
            }
            byte[] json = new byte[is.readInt()];
            is.readFully(json);
            return JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (UTFDataFormatException | EOFException | NegativeArraySizeException | JsonParseException
                | IllegalStateException e) {
            throw notMuP(model, "its μP header cannot be read: " + e, e);
        }
    }

    private static MalformedModelException notMuP(String model, String why, Throwable cause) {
        return new MalformedModelException("This is not a μP checkpoint, so " + model + " does not load it ("
                + why + "): it holds the weights of a plain model, which compute another function"
                + " under μP (the readout multiplier, the learning rates). Load it into the plain class"
                + " it was saved from; a μP model's checkpoint carries its parametrization, and is"
                + " written by Model.save of the μP model itself.", cause);
    }

    private static MalformedModelException different(String model, String what, String saved, String mine) {
        return new MalformedModelException("The checkpoint was saved by a μP model whose parametrization"
                + " differs from this " + model + "'s: " + what + " is " + saved + " in the checkpoint and "
                + mine + " here (the first difference). The same weights compute another function, or"
                + " train with other learning rates, under another parametrization: build the model"
                + " with the widths and MuOptions it was saved with.");
    }

    /**
     * What a loaded model must agree on, in the order checked, with readable keys.
     *
     * @param p the parametrization
     * @return values by name, in order
     */
    static Map<String, String> compared(MuParametrization p) {
        MuOptions options = p.options();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("the model class", p.modelName());
        out.put("the parametrization", options.parametrization().name());
        out.put("the readout form", options.readoutForm().name());
        for (WidthDimension w : p.widths().values()) {
            out.put("width '" + w.name() + "'", Integer.toString(w.value()));
            out.put("the base of width '" + w.name() + "'", Integer.toString(w.base()));
        }
        for (MuLayer layer : p.layers()) {
            out.put("the role of layer '" + layer.field() + "'", layer.role().name()
                    + ", fan_in " + widthName(layer.fanInWidth()) + ", fan_out " + widthName(layer.fanOutWidth()));
            if (layer.role() == LayerRole.OUTPUT) {
                out.put("the output multiplier of readout '" + layer.field() + "'",
                        Double.toString(layer.outputMultiplier()));
            }
        }
        p.attentions().forEach((field, attention) -> out.put("attention '" + field + "'",
                attention.heads() + " heads of size " + attention.headSize()
                        + ", logit scale " + attention.logitScale()));
        p.tiedReadouts().forEach((field, readout) -> out.put("the logit multiplier of tied readout '" + field + "'",
                Float.toString(readout.logitMultiplier())));
        return out;
    }

    private static Map<String, String> recorded(MuParametrization p) {
        MuOptions options = p.options();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("initMode", options.initMode().toString());
        out.put("zeroInitReadout", options.zeroInitReadout().map(String::valueOf).orElse("as annotated"));
        out.put("zeroInitQuery", Boolean.toString(options.zeroInitQuery()));
        out.put("options", options.toString());
        return out;
    }

    private static String widthName(WidthDimension width) {
        return width == null ? "finite" : "'" + width.name() + "'";
    }
}
