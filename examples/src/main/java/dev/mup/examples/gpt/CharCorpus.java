package dev.mup.examples.gpt;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A character-level corpus: a UTF-8 text split into its first 90% for training and the rest for
 * validation, each character (code point) mapped to an id by its rank among the distinct
 * characters. Batches are windows at random offsets chosen from a seed and the step, so every
 * width and every parametrization of a sweep sees the same data in the same order.
 */
public final class CharCorpus {

    /** The built-in corpus: about 40 kB of Shakespeare (public domain), for a fresh clone. */
    public static final String BUILT_IN = "builtin-corpus.txt";

    private final String name;
    private final int[] alphabet;
    private final int[] train;
    private final int[] valid;

    private CharCorpus(String name, String text) {
        this.name = name;
        int[] codePoints = text.codePoints().toArray();
        this.alphabet = Arrays.stream(codePoints).distinct().sorted().toArray();
        int[] ids = new int[codePoints.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Arrays.binarySearch(alphabet, codePoints[i]);
        }
        int split = (int) (ids.length * 0.9);
        this.train = Arrays.copyOfRange(ids, 0, split);
        this.valid = Arrays.copyOfRange(ids, split, ids.length);
    }

    /**
     * Reads a UTF-8 text file.
     *
     * @param file the text
     * @return the corpus
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not UTF-8 or too short to train on
     */
    public static CharCorpus read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such text file");
        }
        return of(file.toString(), bytes);
    }

    /**
     * The built-in corpus, shipped in the jar.
     *
     * @return the corpus
     */
    public static CharCorpus builtIn() {
        try (InputStream in = CharCorpus.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("the built-in corpus " + BUILT_IN + " is missing from the jar");
            }
            return of("built-in corpus", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A corpus from text in memory.
     *
     * @param name what to call it in messages
     * @param text the text
     * @return the corpus
     */
    public static CharCorpus of(String name, String text) {
        return check(new CharCorpus(name, text));
    }

    private static CharCorpus of(String name, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + " is not UTF-8 text", e);
        }
        return of(name, text);
    }

    private static CharCorpus check(CharCorpus corpus) {
        if (corpus.valid.length < 2 || corpus.alphabet.length < 2) {
            throw new IllegalArgumentException(
                    corpus.name + " is too short to train on: it needs at least two distinct characters"
                            + " and a few dozen in all");
        }
        return corpus;
    }

    /**
     * What the corpus is called in messages.
     *
     * @return the file name or "built-in corpus"
     */
    public String name() {
        return name;
    }

    /**
     * What a sweep records about its data, to check later that the same text is used.
     *
     * @return the name, training length and vocabulary size
     */
    public String describe() {
        return name + " (" + train.length + " training characters, vocabulary " + alphabet.length + ")";
    }

    /**
     * The number of distinct characters.
     *
     * @return the vocabulary size
     */
    public int vocabulary() {
        return alphabet.length;
    }

    /**
     * Characters in the training part.
     *
     * @return its length
     */
    public int trainLength() {
        return train.length;
    }

    /**
     * A training batch: inputs {@code (batch, length)} and labels, the next character of each.
     *
     * @param manager owns the arrays
     * @param batch windows in the batch
     * @param length characters in each window
     * @param seed the data seed
     * @param step the step; the same seed and step give the same batch
     * @return inputs and labels, both {@code int32}
     * @throws IllegalArgumentException if a window does not fit in the text
     */
    public NDList[] trainBatch(NDManager manager, int batch, int length, long seed, int step) {
        return batch(train, manager, batch, length, seed * 1_000_003L + step);
    }

    /**
     * A validation batch, the same for a given index whatever the seed of the run.
     *
     * @param manager owns the arrays
     * @param batch windows in the batch
     * @param length characters in each window
     * @param index which batch
     * @return inputs and labels
     */
    public NDList[] validBatch(NDManager manager, int batch, int length, int index) {
        return batch(valid, manager, batch, Math.min(length, valid.length - 1), -1 - index);
    }

    private NDList[] batch(int[] ids, NDManager manager, int batch, int length, long stream) {
        if (length <= 0 || batch <= 0) {
            throw new IllegalArgumentException("batch and sequence length must be positive");
        }
        if (length + 1 > ids.length) {
            throw new IllegalArgumentException(
                    name + " is too short for windows of " + length + " characters");
        }
        SplittableRandom random = new SplittableRandom(stream);
        int[] inputs = new int[batch * length];
        int[] labels = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            int start = random.nextInt(ids.length - length);
            System.arraycopy(ids, start, inputs, b * length, length);
            System.arraycopy(ids, start + 1, labels, b * length, length);
        }
        Shape shape = new Shape(batch, length);
        return new NDList[] {
            new NDList(manager.create(inputs, shape)), new NDList(manager.create(labels, shape))
        };
    }
}
