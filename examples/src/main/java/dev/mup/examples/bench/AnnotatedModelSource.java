package dev.mup.examples.bench;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The source of a DJL model with many μP-annotated fields, for timing the annotation processor:
 * two {@code @Width} fields ({@code dModel}, base 64; {@code dFfn}, base 256) and, for the rest, a
 * repeating mix of the role fields real models have, in the forms the processor accepts:
 * {@code @MuInput Linear}, {@code @MuInput MuLayerNorm},
 * {@code @MuHidden Linear} in both directions between the widths, and {@code @MuOutput Linear}
 * readouts with different multipliers. Per ten role fields: two inputs, one norm, six hidden
 * layers, one readout. The readouts are several heads on purpose, so the class carries {@code
 * @SuppressWarnings("mup")}, which silences the processor's warning about a second readout.
 *
 * <p>Role fields of a {@code Linear} role are declared {@code Linear}, never {@code MuLinear}:
 * the processor requires exactly {@code Linear} there, because the generated constructor installs
 * its own {@code MuLinear} in the field.
 *
 * <p>Every field is a real child block built in the constructor, so the source is a model that
 * also runs, not only one that compiles.
 */
public final class AnnotatedModelSource {

    /** The kinds of annotated field, in the order they repeat. */
    enum Kind {
        /** {@code @MuInput Linear}, features → dModel. */
        INPUT,
        /** {@code @MuHidden Linear}, dModel → dFfn. */
        UP,
        /** {@code @MuHidden Linear}, dFfn → dModel. */
        DOWN,
        /** {@code @MuInput MuLayerNorm} over dModel. */
        NORM,
        /** {@code @MuOutput Linear}, dModel → classes. */
        OUTPUT
    }

    private static final Kind[] CYCLE = {
        Kind.INPUT, Kind.UP, Kind.DOWN, Kind.NORM, Kind.UP, Kind.DOWN, Kind.INPUT, Kind.UP, Kind.DOWN, Kind.OUTPUT
    };

    /** The two {@code @Width} fields count among the annotated fields. */
    static final int WIDTH_FIELDS = 2;

    private final String packageName;
    private final String simpleName;
    private final Kind[] roles;

    private AnnotatedModelSource(String packageName, String simpleName, Kind[] roles) {
        this.packageName = packageName;
        this.simpleName = simpleName;
        this.roles = roles;
    }

    /**
     * A model with {@code annotatedFields} annotated fields, two of them {@code @Width}.
     *
     * @param packageName its package
     * @param simpleName its class name
     * @param annotatedFields at least 3: the widths and at least one readout
     * @return the model source
     */
    public static AnnotatedModelSource of(String packageName, String simpleName, int annotatedFields) {
        if (annotatedFields < WIDTH_FIELDS + 1) {
            throw new IllegalArgumentException(
                    "a μP model needs its 2 widths and a readout: at least 3 annotated fields, got "
                            + annotatedFields);
        }
        Kind[] roles = new Kind[annotatedFields - WIDTH_FIELDS];
        boolean hasOutput = false;
        for (int i = 0; i < roles.length; i++) {
            roles[i] = CYCLE[i % CYCLE.length];
            hasOutput |= roles[i] == Kind.OUTPUT;
        }
        if (!hasOutput) {
            roles[roles.length - 1] = Kind.OUTPUT;
        }
        return new AnnotatedModelSource(packageName, simpleName, roles);
    }

    /**
     * The model's class name, with its package.
     *
     * @return the qualified name
     */
    public String qualifiedName() {
        return packageName + "." + simpleName;
    }

    /**
     * The class the processor generates for it.
     *
     * @return the qualified name of {@code <Model>MuP}
     */
    public String generatedName() {
        return qualifiedName() + "MuP";
    }

    /**
     * How many annotated fields the model has.
     *
     * @return widths plus role fields
     */
    public int annotatedFields() {
        return WIDTH_FIELDS + roles.length;
    }

    /**
     * One line describing the mix of fields.
     *
     * @return e.g. {@code 2 @Width, 40 @MuInput Linear, ...}
     */
    public String describe() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Kind k : roles) {
            counts.merge(k, 1, Integer::sum);
        }
        return String.format(Locale.ROOT,
                "%d annotated fields: %d @Width, %d @MuInput Linear, %d @MuInput LayerNorm,"
                        + " %d @MuHidden Linear, %d @MuOutput Linear",
                annotatedFields(), WIDTH_FIELDS, counts.getOrDefault(Kind.INPUT, 0),
                counts.getOrDefault(Kind.NORM, 0),
                counts.getOrDefault(Kind.UP, 0) + counts.getOrDefault(Kind.DOWN, 0),
                counts.getOrDefault(Kind.OUTPUT, 0));
    }

    /**
     * The Java source.
     *
     * @return the text of {@code <simpleName>.java}
     */
    public String text() {
        StringBuilder s = new StringBuilder(roles.length * 200);
        s.append("package ").append(packageName).append(";\n\n");
        for (String type : new String[] {
            "ai.djl.ndarray.NDList", "ai.djl.ndarray.types.Shape", "ai.djl.nn.AbstractBlock",
            "ai.djl.nn.core.Linear", "ai.djl.training.ParameterStore",
            "ai.djl.util.PairList", "dev.mup.annotations.MuHidden", "dev.mup.annotations.MuInput",
            "dev.mup.annotations.MuOutput", "dev.mup.annotations.Width", "dev.mup.runtime.MuLayerNorm"}) {
            s.append("import ").append(type).append(";\n");
        }
        s.append("\n/** A model with ").append(annotatedFields())
                .append(" μP-annotated fields, generated to time the μP annotation processor. */\n");
        s.append("@SuppressWarnings(\"mup\") // several readout heads on purpose\n");
        s.append("public class ").append(simpleName).append(" extends AbstractBlock {\n\n");
        s.append("    @Width(base = 64)\n    final int dModel;\n\n");
        s.append("    @Width(base = 256)\n    final int dFfn;\n\n");
        s.append("    final int classes;\n\n");
        for (int i = 0; i < roles.length; i++) {
            s.append("    ").append(annotation(roles[i], i)).append('\n');
            s.append("    ").append(roles[i] == Kind.NORM ? "MuLayerNorm" : "Linear").append(' ')
                    .append(field(i)).append(";\n\n");
        }
        s.append("    /**\n     * Builds every layer.\n     *\n");
        s.append("     * @param dModel the model width\n     * @param dFfn the feed-forward width\n");
        s.append("     * @param classes the number of classes\n     */\n");
        s.append("    public ").append(simpleName).append("(int dModel, int dFfn, int classes) {\n");
        s.append("        this.dModel = dModel;\n        this.dFfn = dFfn;\n        this.classes = classes;\n");
        for (int i = 0; i < roles.length; i++) {
            s.append("        ").append(field(i)).append(" = addChildBlock(\"").append(field(i)).append("\", ")
                    .append(construction(roles[i])).append(");\n");
        }
        s.append("    }\n\n");
        s.append("    @Override\n    protected NDList forwardInternal(\n");
        s.append("            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {\n");
        s.append("        NDList x = ").append(first(Kind.INPUT)).append(".forward(ps, inputs, training);\n");
        s.append("        x = ").append(first(Kind.UP)).append(".forward(ps, x, training);\n");
        s.append("        x = ").append(first(Kind.DOWN)).append(".forward(ps, x, training);\n");
        s.append("        return ").append(first(Kind.OUTPUT)).append(".forward(ps, x, training);\n    }\n\n");
        s.append("    @Override\n    public Shape[] getOutputShapes(Shape[] inputShapes) {\n");
        s.append("        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};\n    }\n}\n");
        return s.toString();
    }

    private String first(Kind kind) {
        for (int i = 0; i < roles.length; i++) {
            if (roles[i] == kind) {
                return field(i);
            }
        }
        return field(roles.length - 1); // small models lack some kinds; the readout is always there
    }

    private String field(int i) {
        return roles[i].name().toLowerCase(Locale.ROOT) + i;
    }

    private static String annotation(Kind kind, int i) {
        switch (kind) {
            case INPUT:
            case NORM:
                return "@MuInput(width = \"dModel\")";
            case UP:
                return "@MuHidden(fanIn = \"dModel\", fanOut = \"dFfn\")";
            case DOWN:
                return "@MuHidden(fanIn = \"dFfn\", fanOut = \"dModel\")";
            default:
                return "@MuOutput(width = \"dModel\", multiplier = " + (1 + i % 4) + ".0)";
        }
    }

    private static String construction(Kind kind) {
        switch (kind) {
            case INPUT:
            case DOWN:
                return "Linear.builder().setUnits(dModel).build()";
            case UP:
                return "Linear.builder().setUnits(dFfn).build()";
            case NORM:
                return "MuLayerNorm.builder().build()";
            default:
                return "Linear.builder().setUnits(classes).build()";
        }
    }
}
