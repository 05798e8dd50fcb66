package network.cocoon.sdk.payment;

/**
 * The standard channel's closing terms, fixed in its data cell when it is deployed (and so part of its
 * address): {@code closing_config$_ quarantin_duration:uint32 misbehavior_fine:Coins
 * conditional_close_duration:uint32}.
 *
 * @param quarantineDuration seconds a party has to answer an uncooperative close with a newer state
 * @param misbehaviorFine nanotons taken from a party caught closing with an old state
 * @param conditionalCloseDuration seconds for conditional payments after quarantine (Cocoon uses none)
 */
public record ClosingConfig(long quarantineDuration, long misbehaviorFine, long conditionalCloseDuration) {
    /** Validates the ranges. */
    public ClosingConfig {
        if (quarantineDuration < 0 || quarantineDuration > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("quarantineDuration must fit uint32");
        }
        if (conditionalCloseDuration < 0 || conditionalCloseDuration > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("conditionalCloseDuration must fit uint32");
        }
        if (misbehaviorFine < 0) {
            throw new IllegalArgumentException("misbehaviorFine must be at least 0");
        }
    }
}
