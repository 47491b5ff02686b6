package dev.ocelli.jmh;

/**
 * The GEMM shapes Ocelli's encoders run, named for the layer each one models.
 * M = output rows (tokens), N = output columns, K = summed dimension; {@code transB} marks the
 * PyTorch Linear form y = x·Wᵀ with W stored [N, K].
 */
enum GemmShape {
    // square references, A·B row-major
    sq256(256, 256, 256, false),
    sq512(512, 512, 512, false),
    sq1024(1024, 1024, 1024, false),
    sq2048(2048, 2048, 2048, false),
    // CLIP ViT-L/14 @336: 577 tokens (24×24 patches + CLS), width 1024, MLP 4096
    vitl_qkv(577, 3072, 1024, true),   // attn.qkv (in_proj): 1024 → 3·1024
    vitl_fc1(577, 4096, 1024, true),   // mlp.fc1: 1024 → 4096
    vitl_fc2(577, 1024, 4096, true),   // mlp.fc2: 4096 → 1024
    // ConvNeXt-L stage 3 at 768² input: stride 16 → 48×48 = 2304 positions, 768 channels, pointwise MLP ×4
    convnext_pw1(2304, 3072, 768, true),   // stages.2.blocks.*.mlp.fc1 (pwconv1): 768 → 3072
    convnext_pw2(2304, 768, 3072, true),   // stages.2.blocks.*.mlp.fc2 (pwconv2): 3072 → 768
    // ViT-L attention, one head (head dim 64, 577 tokens)
    attn_qk(577, 577, 64, true),       // S = Q·Kᵀ: Q [577, 64], K [577, 64] used transposed
    attn_pv(577, 64, 577, false);      // O = P·V: P [577, 577], V [577, 64]

    final int m, n, k;
    final boolean transB;

    GemmShape(int m, int n, int k, boolean transB) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.transB = transB;
    }

    double gflop() {
        return 2.0 * m * n * k / 1e9;
    }
}
