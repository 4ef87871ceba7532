package dev.mup.workflow.coord;

/**
 * The verdict of a coordinate check at its last step.
 *
 * @param kind what the check says
 * @param text one sentence that says it with the numbers behind it
 */
public record Verdict(Kind kind, String text) {

    /** The three verdicts. */
    public enum Kind {
        /** Every layer within the flat threshold across widths. */
        FLAT("FLAT"),
        /** The only layers outside it shrink as width grows (μP readouts and logits early on). */
        FLAT_EXCEPT_SHRINKING("FLAT EXCEPT SHRINKING"),
        /** A layer changes across widths by more than shrinking. */
        NOT_FLAT("NOT FLAT");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /**
         * The label printed after "Verdict:".
         *
         * @return e.g. {@code FLAT EXCEPT SHRINKING}
         */
        public String label() {
            return label;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
