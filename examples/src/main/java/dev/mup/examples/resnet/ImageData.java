package dev.mup.examples.resnet;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * A set of grayscale images with class labels, normalized to zero mean and unit variance over the
 * set's pixels: Fashion-MNIST read from its IDX files, or a small built-in synthetic set.
 *
 * <p>The IDX files are read here, with the JDK's gzip stream: DJL's {@code FashionMnist} dataset
 * (in {@code basicdataset}) reads only from a DJL repository with its own metadata layout, which
 * Debian's package does not have.
 */
public final class ImageData {

    /** Where Debian's package {@code dataset-fashion-mnist} installs the IDX files. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** Number of classes of both sets. */
    public static final int CLASSES = 10;

    private final float[] pixels;
    private final long[] labels;
    private final int size;
    private final String description;
    private final boolean synthetic;

    private ImageData(float[] pixels, long[] labels, int size, String description, boolean synthetic) {
        this.pixels = pixels;
        this.labels = labels;
        this.size = size;
        this.description = description;
        this.synthetic = synthetic;
        normalize(pixels);
    }

    /**
     * Fashion-MNIST from {@code dir} when its files are there, else the synthetic set of the same
     * image size.
     *
     * @param dir the directory of the IDX files ({@code train-images-idx3-ubyte.gz}, ...)
     * @param train the training set, or the test set
     * @param limit at most this many images (the first ones)
     * @param seed the seed of the synthetic set
     * @return the images
     * @throws IOException when the files are there but cannot be read
     */
    public static ImageData fashionMnistOrSynthetic(Path dir, boolean train, int limit, long seed)
            throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        if (Files.isReadable(images) && Files.isReadable(labels)) {
            return fashionMnist(images, labels, limit);
        }
        return synthetic(limit, 28, train ? seed : seed + 1);
    }

    /**
     * Reads images and labels from IDX files, gzipped or not.
     *
     * @param images an {@code idx3-ubyte} file of {@code n × rows × cols} bytes
     * @param labels an {@code idx1-ubyte} file of {@code n} bytes
     * @param limit at most this many images
     * @return the images
     * @throws IOException when a file cannot be read or is not an IDX file of the right kind
     */
    public static ImageData fashionMnist(Path images, Path labels, int limit) throws IOException {
        try (DataInputStream in = open(images); DataInputStream lab = open(labels)) {
            if (in.readInt() != 0x803) {
                throw new IOException(images + " is not an IDX file of images (magic 0x803)");
            }
            if (lab.readInt() != 0x801) {
                throw new IOException(labels + " is not an IDX file of labels (magic 0x801)");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (lab.readInt() != n || rows != cols) {
                throw new IOException(images + " and " + labels + " do not hold the same square images");
            }
            int count = Math.min(n, limit);
            byte[] raw = new byte[count * rows * cols];
            in.readFully(raw);
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xff) / 255f;
            }
            long[] classes = new long[count];
            for (int i = 0; i < count; i++) {
                classes[i] = lab.readUnsignedByte();
            }
            return new ImageData(pixels, classes, rows,
                    "Fashion-MNIST " + images.getFileName() + " (" + count + " of " + n + " images)", false);
        }
    }

    /**
     * A built-in set of textures: class {@code k} is a grating of one of five orientations and
     * one of two spatial frequencies, with a random phase (so its position carries nothing),
     * random contrast and pixel noise. A small convolutional network tells them apart after a few
     * dozen steps.
     *
     * @param count number of images
     * @param size image side in pixels, at least 8
     * @param seed the seed
     * @return the images
     */
    public static ImageData synthetic(int count, int size, long seed) {
        if (size < 8) {
            throw new IllegalArgumentException("synthetic images must be at least 8 pixels wide, got " + size);
        }
        Random random = new Random(seed);
        float[] pixels = new float[count * size * size];
        long[] labels = new long[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(CLASSES);
            labels[i] = label;
            double angle = Math.PI * (label % 5) / 5;
            double frequency = 2 * Math.PI / (label < 5 ? 3.0 : 6.0);
            double cos = Math.cos(angle) * frequency;
            double sin = Math.sin(angle) * frequency;
            double phase = 2 * Math.PI * random.nextDouble();
            double contrast = 0.5 + 0.5 * random.nextDouble();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    pixels[(i * size + y) * size + x] = (float) (contrast * Math.sin(cos * x + sin * y + phase)
                            + 0.3 * random.nextGaussian());
                }
            }
        }
        return new ImageData(pixels, labels, size,
                "built-in synthetic images (" + count + " gratings of " + size + "×" + size + ", 10 classes)",
                true);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    private static void normalize(float[] pixels) {
        double sum = 0;
        double squares = 0;
        for (float p : pixels) {
            sum += p;
            squares += (double) p * p;
        }
        double mean = sum / pixels.length;
        double std = Math.sqrt(Math.max(squares / pixels.length - mean * mean, 1e-12));
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) ((pixels[i] - mean) / std);
        }
    }

    /**
     * Number of images.
     *
     * @return the count
     */
    public int count() {
        return labels.length;
    }

    /**
     * Image side in pixels.
     *
     * @return rows (= columns)
     */
    public int size() {
        return size;
    }

    /**
     * Whether this is the built-in synthetic set.
     *
     * @return {@code true} for synthetic images
     */
    public boolean synthetic() {
        return synthetic;
    }

    /**
     * What the set is, for logs.
     *
     * @return a description
     */
    public String description() {
        return description;
    }

    /**
     * The pixels of a run of images, wrapping around at the end of the set.
     *
     * @param start index of the first image
     * @param count number of images
     * @return {@code count × size × size} normalized pixels
     */
    public float[] images(int start, int count) {
        int area = size * size;
        float[] out = new float[count * area];
        for (int i = 0; i < count; i++) {
            int index = Math.floorMod(start + i, labels.length);
            System.arraycopy(pixels, index * area, out, i * area, area);
        }
        return out;
    }

    /**
     * The labels of a run of images, wrapping around at the end of the set.
     *
     * @param start index of the first image
     * @param count number of images
     * @return class indices 0 to 9
     */
    public long[] labels(int start, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = labels[Math.floorMod(start + i, labels.length)];
        }
        return out;
    }
}
