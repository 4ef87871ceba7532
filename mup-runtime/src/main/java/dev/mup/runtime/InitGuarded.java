package dev.mup.runtime;

/**
 * A μP block that refuses, before its parameters are drawn, initializers the user set on them
 * ({@link InitGuard}), and records that the model's weights were loaded.
 */
interface InitGuarded {

    /**
     * Starts guarding the block's parameters.
     *
     * @param layer the μP layer the block is
     */
    void guardInitializers(MuLayer layer);
}
