package dev.ocelli.encoders.preprocess;

import dev.ocelli.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * InternVL's dynamic-resolution tiling ({@code dynamic_preprocess} and
 * {@code find_closest_aspect_ratio} in InternVL's chat code, used as-is by LEO), then
 * {@code build_transform} on each tile.
 *
 * <p>Spec §5: among all grids (cols, rows) with {@code min ≤ cols·rows ≤ max}, visited in order
 * of increasing tile count, pick the one whose aspect ratio is closest to W/H; on an exact tie a
 * later (larger) grid wins only if the image area exceeds half of the grid's pixel area
 * ({@code W·H > 0.5 · size² · cols · rows}). The image is resized to
 * {@code (size·cols, size·rows)} with PIL's default filter — BICUBIC for RGB since Pillow 7 —
 * and cut into row-major {@code size × size} tiles; when there is more than one tile a thumbnail,
 * the whole image resized to {@code size × size}, is appended. Each tile then goes through
 * {@code T.Resize((size, size), BICUBIC)} (a no-op copy for tiles that already have that size;
 * torchvision hands PIL images to {@code Image.resize}), {@code ToTensor}, and ImageNet
 * {@code Normalize}.
 *
 * <p>InternVL builds its candidate grids as a Python set sorted by tile count, so the order of
 * grids with the same count is the set's iteration order. That order cannot change the result:
 * two grids with the same count never have the same ratio, and a midpoint tie between them is
 * always beaten by a grid with fewer tiles lying between them (checked exhaustively for
 * max 6 and 12 in the generator). Here they are ordered by cols.
 */
public final class DynamicPreprocess {

    /** InternVL's default tile size. */
    public static final int IMAGE_SIZE = 448;

    private DynamicPreprocess() {
    }

    /** A tile box in the resized image: {@code [left, right) × [top, bottom)}. */
    public record Box(int left, int top, int right, int bottom) {
    }

    /**
     * The chosen grid.
     *
     * @param cols          tiles across (InternVL's {@code target_aspect_ratio[0]})
     * @param rows          tiles down
     * @param resizedWidth  {@code size · cols}
     * @param resizedHeight {@code size · rows}
     * @param boxes         the {@code cols·rows} crop boxes, row-major
     * @param thumbnail     whether a {@code size × size} thumbnail of the whole image follows the tiles
     * @param imageSize     the tile side
     */
    public record Plan(int cols, int rows, int resizedWidth, int resizedHeight, List<Box> boxes,
                       boolean thumbnail, int imageSize) {
        /** Tiles including the thumbnail. */
        public int tileCount() {
            return boxes.size() + (thumbnail ? 1 : 0);
        }
    }

    /** The candidate grids (cols, rows) in the order InternVL visits them. */
    static List<int[]> candidateGrids(int minNum, int maxNum) {
        List<int[]> out = new ArrayList<>();
        for (int n = 1; n <= maxNum; n++) {
            for (int i = 1; i <= n; i++) {
                if (n % i == 0 && n >= minNum) {
                    out.add(new int[] {i, n / i});
                }
            }
        }
        return out; // grouped by tile count n ascending, within a count by cols ascending
    }

    /** {@code find_closest_aspect_ratio} for an image of {@code width × height}. */
    public static int[] closestGrid(int width, int height, int minNum, int maxNum, int imageSize) {
        double aspectRatio = (double) width / height;
        double bestDiff = Double.POSITIVE_INFINITY;
        int[] best = {1, 1};
        long area = (long) width * height;
        for (int[] r : candidateGrids(minNum, maxNum)) {
            double target = (double) r[0] / r[1];
            double diff = Math.abs(aspectRatio - target);
            if (diff < bestDiff) {
                bestDiff = diff;
                best = r;
            } else if (diff == bestDiff) {
                if (area > 0.5 * imageSize * imageSize * r[0] * r[1]) {
                    best = r;
                }
            }
        }
        return best.clone();
    }

    /** {@code dynamic_preprocess(image, min_num, max_num, image_size, use_thumbnail)} without the pixels. */
    public static Plan plan(int width, int height, int minNum, int maxNum, int imageSize, boolean useThumbnail) {
        if (minNum < 1 || maxNum < minNum) {
            throw new IllegalArgumentException("dynamic_preprocess needs 1 <= min_num <= max_num, got min "
                    + minNum + ", max " + maxNum);
        }
        int[] g = closestGrid(width, height, minNum, maxNum, imageSize);
        int cols = g[0], rows = g[1];
        int tw = imageSize * cols, th = imageSize * rows;
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < cols * rows; i++) {
            int c = i % (tw / imageSize), r = i / (tw / imageSize);
            boxes.add(new Box(c * imageSize, r * imageSize, (c + 1) * imageSize, (r + 1) * imageSize));
        }
        return new Plan(cols, rows, tw, th, List.copyOf(boxes), useThumbnail && boxes.size() != 1, imageSize);
    }

    /** The tile images (uint8), thumbnail last. */
    public static List<RgbImage> tiles(RgbImage img, Plan plan) {
        RgbImage resized = PilResize.resize(img, plan.resizedWidth(), plan.resizedHeight(), PilResize.Filter.BICUBIC);
        List<RgbImage> out = new ArrayList<>();
        for (Box b : plan.boxes()) {
            out.add(resized.crop(b.left(), b.top(), b.right(), b.bottom()));
        }
        if (plan.thumbnail()) {
            out.add(PilResize.resize(img, plan.imageSize(), plan.imageSize(), PilResize.Filter.BICUBIC));
        }
        return out;
    }

    /**
     * The stacked {@code pixel_values} {@code [T, 3, size, size]} (C-order) for InternVL/LEO:
     * {@code dynamic_preprocess(min 1, max maxNum, size 448, thumbnail on)} then
     * {@code build_transform(448)} per tile.
     */
    public static float[] pixelValues(RgbImage img, int maxNum) {
        Plan plan = plan(img.width(), img.height(), 1, maxNum, IMAGE_SIZE, true);
        return pixelValues(tiles(img, plan), IMAGE_SIZE);
    }

    /**
     * {@link #pixelValues(RgbImage, int)} as a {@code [T, 3, 448, 448]} F32 tensor, with the
     * plan that produced it (the grid, the tile boxes, whether the last tile is the thumbnail).
     */
    public static Tiled tensor(RgbImage img, int maxNum) {
        Plan plan = plan(img.width(), img.height(), 1, maxNum, IMAGE_SIZE, true);
        float[] pv = pixelValues(tiles(img, plan), IMAGE_SIZE);
        return new Tiled(plan, Tensor.of(pv, plan.tileCount(), 3, IMAGE_SIZE, IMAGE_SIZE));
    }

    /** Tiles in grid order, thumbnail last, and the plan behind them. */
    public record Tiled(Plan plan, Tensor pixelValues) {
    }

    /** {@code build_transform(size)} applied to each tile, stacked. */
    public static float[] pixelValues(List<RgbImage> tiles, int size) {
        ImageProcessor transform = new ImageProcessor(ProcessorConfig.internVl(size));
        int per = 3 * size * size;
        float[] out = new float[Math.multiplyExact(per, tiles.size())];
        for (int t = 0; t < tiles.size(); t++) {
            System.arraycopy(transform.preprocess(tiles.get(t)).pixelValues(), 0, out, t * per, per);
        }
        return out;
    }
}
