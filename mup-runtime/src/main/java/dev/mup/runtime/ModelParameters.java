package dev.mup.runtime;

import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The one walk over every parameter a block holds, its children's included, with a readable
 * path for each: the parametrization checks with it that no parameter of a model is outside the
 * μP table, and lists the parameters of blocks declared unscaled.
 *
 * <p>A child is named after the field of its parent that holds it ({@code body}, or {@code
 * blocks.2} for the third element of a list or array field), and otherwise by its key among the
 * parent's children ({@code 01Linear} in a {@code SequentialBlock}); a parameter by its DJL name.
 * So {@code body.01Linear.weight} is the weight of the first layer of the {@code SequentialBlock}
 * held by the field {@code body}. Only parameters that train ({@link Parameter#requiresGradient()})
 * are listed: running statistics such as a batch norm's mean and variance are no optimizer's
 * business. A parameter reached twice (a shared layer) is listed once, at its first path.
 */
final class ModelParameters {

    /**
     * One parameter and where it is.
     *
     * @param path its path from the walked block, e.g. {@code body.01Linear.weight}
     * @param parameter the parameter
     */
    record Entry(String path, Parameter parameter) {}

    private ModelParameters() {}

    /**
     * Every trainable parameter of a block, depth-first: its own parameters, then each child's
     * in the order of its children.
     *
     * @param block the block
     * @param prefix the block's own path followed by a dot, or empty for the model itself
     * @return the parameters, each once
     */
    static List<Entry> of(Block block, String prefix) {
        List<Entry> out = new ArrayList<>();
        walk(block, prefix, Collections.newSetFromMap(new IdentityHashMap<>()), out);
        return out;
    }

    private static void walk(Block block, String prefix, Set<Parameter> seen, List<Entry> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            Parameter parameter = p.getValue();
            if (parameter.requiresGradient() && seen.add(parameter)) {
                out.add(new Entry(prefix + p.getKey(), parameter));
            }
        }
        BlockList children = block.getChildren();
        for (int i = 0; i < children.size(); i++) {
            Block child = children.valueAt(i);
            walk(child, prefix + childName(block, children.keyAt(i), child) + ".", seen, out);
        }
    }

    /**
     * The name of a child in its parent: the parent's field holding it (an element of a list or
     * array field as {@code field.i}), or its key among the parent's children.
     *
     * @param parent the parent block
     * @param key the child's key among the parent's children
     * @param child the child
     * @return the name
     */
    static String childName(Block parent, String key, Block child) {
        for (Class<?> c = parent.getClass();
                c != null && c != AbstractBlock.class && c != Object.class;
                c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                Object value;
                try {
                    field.setAccessible(true);
                    value = field.get(parent);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // a field of a module that is not open: the key will do
                }
                if (value == child) {
                    return field.getName();
                }
                if (value instanceof List<?> list) {
                    for (int i = 0; i < list.size(); i++) {
                        if (list.get(i) == child) {
                            return field.getName() + "." + i;
                        }
                    }
                } else if (value instanceof Object[] array) {
                    for (int i = 0; i < array.length; i++) {
                        if (array[i] == child) {
                            return field.getName() + "." + i;
                        }
                    }
                }
            }
        }
        return key;
    }
}
