/**
 * Tasks: what the μTransfer workflow runs on. A {@link dev.mup.workflow.task.MuTask} builds a
 * generated model at a width and gives its data, loss and hyperparameters; {@link
 * dev.mup.workflow.task.Tasks} finds one by class or short name.
 */
package dev.mup.workflow.task;
