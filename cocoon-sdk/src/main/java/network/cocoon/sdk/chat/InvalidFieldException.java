package network.cocoon.sdk.chat;

/**
 * A request field holds a value the protocol does not allow. The message names the field by its wire name
 * (for example {@code messages[2].role}) and the rule it breaks, never the value: a worker may send it back
 * in clear.
 */
public final class InvalidFieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The field's wire name. */
    private final String field;
    /** The rule the value breaks, a fixed text. */
    private final String rule;

    /**
     * A refusal of one field.
     *
     * @param field the field's wire name, with indexes for list elements
     * @param rule the rule the value breaks, a fixed text without the value
     */
    public InvalidFieldException(String field, String rule) {
        super(field + " " + rule);
        this.field = field;
        this.rule = rule;
    }

    /** The field's wire name, such as {@code max_tokens} or {@code messages[0].content}. */
    public String field() {
        return field;
    }

    /** The rule the value breaks, such as {@code must be at least 1}. */
    public String rule() {
        return rule;
    }
}
