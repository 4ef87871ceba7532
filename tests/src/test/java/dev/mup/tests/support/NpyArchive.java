package dev.mup.tests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a NumPy {@code .npz} archive (a zip of {@code .npy} files) holding little-endian
 * C-ordered {@code float32} and {@code int64} arrays: enough for the reference trajectories.
 */
public final class NpyArchive {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** One array: its shape and values (floats or longs, by dtype). */
    public record Array(long[] shape, float[] floats, long[] longs) {}

    private final Map<String, Array> arrays;

    private NpyArchive(Map<String, Array> arrays) {
        this.arrays = arrays;
    }

    /**
     * Reads an archive from the test classpath.
     *
     * @param resource the resource path
     * @return the archive
     * @throws IOException if it cannot be read or holds an unsupported array
     */
    public static NpyArchive load(String resource) throws IOException {
        InputStream in = NpyArchive.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("test resource not found: " + resource);
        }
        Map<String, Array> arrays = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                zip.transferTo(bytes);
                arrays.put(name.substring(0, name.length() - 4), parse(name, bytes.toByteArray()));
            }
        }
        return new NpyArchive(arrays);
    }

    private static Array parse(String name, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 10 || data[0] != (byte) 0x93 || data[1] != 'N') {
            throw new IOException(name + " is not an .npy file");
        }
        int major = data[6];
        int headerLength;
        int offset;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(buf.getShort(8));
            offset = 10;
        } else {
            headerLength = buf.getInt(8);
            offset = 12;
        }
        String header = new String(data, offset, headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name);
        if ("True".equals(group(FORTRAN, header, name))) {
            throw new IOException(name + ": Fortran order is not supported");
        }
        String[] dims = group(SHAPE, header, name).split(",");
        int count = 0;
        for (String d : dims) {
            if (!d.isBlank()) {
                count++;
            }
        }
        long[] shape = new long[count];
        long size = 1;
        int i = 0;
        for (String d : dims) {
            if (!d.isBlank()) {
                shape[i] = Long.parseLong(d.trim());
                size *= shape[i++];
            }
        }
        buf.position(offset + headerLength);
        switch (descr) {
            case "<f4": {
                float[] values = new float[(int) size];
                buf.asFloatBuffer().get(values);
                return new Array(shape, values, null);
            }
            case "<i8": {
                long[] values = new long[(int) size];
                buf.asLongBuffer().get(values);
                return new Array(shape, null, values);
            }
            default:
                throw new IOException(name + ": unsupported dtype " + descr);
        }
    }

    private static String group(Pattern p, String header, String name) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(name + ": malformed header " + header);
        }
        return m.group(1);
    }

    /**
     * An array by key ({@code x}, {@code w16/0.weight}, ...).
     *
     * @param key the name inside the archive, without {@code .npy}
     * @return the array
     */
    public Array get(String key) {
        Array a = arrays.get(key);
        if (a == null) {
            throw new IllegalArgumentException("no array '" + key + "' in archive; keys: " + arrays.keySet());
        }
        return a;
    }
}
