#ifndef LATENT_FAST_MATH_H
#define LATENT_FAST_MATH_H

#include <stdint.h>
#include <string.h>

// The functions, as the engine's FastMath defines them (Sources/TensorCore/Kernels/FastMath.swift):
// branch-free polynomials that vectorize. Each is always inlined into every variant's loop, so each
// loop is compiled for that variant's instruction set.

static inline __attribute__((always_inline)) float exp_of(float x) {
    float clamped = x < -87.33f ? -87.33f : (x > 88.37f ? 88.37f : x);
    // Adding 1.5·2²³ rounds x·log₂e to the nearest integer n, which then sits in the low mantissa bits.
    float shifted = clamped * 1.44269504f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = (clamped - n * 0.693359375f) + n * 2.1219444e-4f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    bits = (bits - 0x4B400000 + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// σ(x) from e = e^(−|x|) ≤ 1, so neither branch overflows; callers that also need log σ(x) share e.
static inline __attribute__((always_inline)) float sigmoid_from(float x, float e) { return x >= 0 ? 1 / (1 + e) : e / (1 + e); }

static inline __attribute__((always_inline)) float sigmoid_of(float x) { return sigmoid_from(x, exp_of(x < 0 ? x : -x)); }

static inline __attribute__((always_inline)) float tanh_of(float x) {
    float magnitude = x < 0 ? -x : x;
    float e = exp_of(-2 * magnitude);
    float far = (1 - e) / (1 + e);
    float x2 = x * x;
    float series = 62.0f / 2835;
    series = series * x2 - 17.0f / 315;
    series = series * x2 + 2.0f / 15;
    series = series * x2 - 1.0f / 3;
    series = series * x2 + 1;
    float near = magnitude * series;
    float result = magnitude < 0.25f ? near : far;
    return x < 0 ? -result : result;
}

// 2·atanh(s) = log((1 + s)/(1 − s)) for |s| ≤ 1/3, as the odd series 2(s + s³/3 + … + s¹³/13):
// the core of both logarithms below.
static inline __attribute__((always_inline)) float two_atanh_of(float s) {
    float s2 = s * s;
    float series = 1.0f / 13;
    series = series * s2 + 1.0f / 11;
    series = series * s2 + 1.0f / 9;
    series = series * s2 + 1.0f / 7;
    series = series * s2 + 1.0f / 5;
    series = series * s2 + 1.0f / 3;
    series = series * s2 + 1;
    return 2 * s * series;
}

// log(1 + u) for u in [0, 1], as the engine's FastMath.log1p: with w = 1 + u (rounded),
// log(w) = 2·atanh(s), s = (w − 1)/(w + 1) in [0, 1/3]; then log(w)·u/(w − 1) corrects the
// rounding of w (Goldberg's trick), so tiny u keep their digits.
static inline __attribute__((always_inline)) float log1p_of(float u) {
    float w = 1 + u;
    float d = w - 1;
    float log_w = two_atanh_of(d / (w + 1));
    return d == 0 ? u : log_w * (u / d);
}

// log σ(x) = min(x, 0) − log(1 + e^(−|x|)) from e = e^(−|x|), exact in both tails.
static inline __attribute__((always_inline)) float log_sigmoid_from(float x, float e) { return (x < 0 ? x : 0) - log1p_of(e); }

// log(x) for a positive normal x, within a few 1e-7 (relative, or absolute near x = 1): x = m·2^e
// with m in [√½, √2), log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172; e·log 2 in two parts
// so that its rounding does not swamp a small log m.
static inline __attribute__((always_inline)) float log_of(float x) {
    int32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int32_t exponent = ((bits >> 23) & 0xff) - 127;
    int32_t mantissa_bits = (bits & 0x7fffff) | 0x3f800000;
    float m;
    memcpy(&m, &mantissa_bits, sizeof m);   // in [1, 2)
    int high = m > 1.41421356f;
    m = high ? 0.5f * m : m;
    float e = (float)(exponent + high);
    return (two_atanh_of((m - 1) / (m + 1)) + e * -2.12194440e-4f) + e * 0.693359375f;
}

#endif
