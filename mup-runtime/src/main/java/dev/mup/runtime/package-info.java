/**
 * The μP runtime: {@link dev.mup.runtime.MuRule} (the one class that decides every width-dependent
 * scale), the initializers and readout block that generated models install, and the μP
 * optimizers ({@link dev.mup.runtime.MuAdam}, {@link dev.mup.runtime.MuSgd}) that give each
 * parameter its own learning rate and weight decay on top of any DJL schedule.
 *
 * <p>Generated classes call {@link dev.mup.runtime.MuModelBuilder} from their constructors and
 * implement {@link dev.mup.runtime.MuModel}.
 */
package dev.mup.runtime;
