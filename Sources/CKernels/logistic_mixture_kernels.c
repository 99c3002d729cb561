#include "logistic_mixture_kernels.h"
#include "elementwise_kernels.h"

#include <float.h>
#include <math.h>

#include "fast_math.h"

// The mathematics is the engine's DiscretizedLogistic (Sources/TensorCore/Ops/
// DiscretizedLogisticMixture.swift, which documents it). Here it runs over tiles of TILE values:
// for one component, the parameters of consecutive values are consecutive floats, so every loop
// below runs over a tile's values with no branches (each case is computed and one selected) and
// vectorizes at the variant's width.

enum { TILE = 64 };

static const float half_bin = 1.0f / 255;
static const float minimum_log_scale = -7;

// The log-scale as the likelihood uses it: floored, so 1/s stays finite.
static inline __attribute__((always_inline)) float floored(float raw_log_scale) {
    return raw_log_scale > minimum_log_scale ? raw_log_scale : minimum_log_scale;
}

// x − μ for the centre x = 2p/255 − 1 of level p, bounded: a mean 10²⁰ away is as far as infinity
// for any scale the floor allows, and the bound keeps every later product finite.
static inline __attribute__((always_inline)) float centred(float level, float mean) {
    float distance = 2 * level / 255 - 1 - mean;
    return distance < -1e20f ? -1e20f : (distance > 1e20f ? 1e20f : distance);
}

// One component's log P(level) and its derivatives with respect to the mean and the (floored)
// log-scale, for `count` values. Sets fallback[j] where the bin is too narrow in units of the scale
// to be told apart from a point (b − a below the smallest normal float), which the caller
// recomputes by the density at the bin's centre.
static inline __attribute__((always_inline)) void component_bins(
    const float *restrict levels, const float *restrict means, const float *restrict raw_log_scales, long count,
    float *restrict value, float *restrict d_mean, float *restrict d_log_scale, int *restrict fallback) {
    for (long j = 0; j < count; j++) {
        float level = levels[j];
        float inverse_scale = exp_of(-floored(raw_log_scales[j]));
        float distance = centred(level, means[j]);
        float b = inverse_scale * (distance + half_bin), a = inverse_scale * (distance - half_bin);
        float e_b = exp_of(b < 0 ? b : -b), e_a = exp_of(a < 0 ? a : -a);
        float upper = sigmoid_from(-b, e_b), lower = sigmoid_from(a, e_a);   // σ(−b), σ(a)
        float log_sigmoid_b = log_sigmoid_from(b, e_b), log_sigmoid_minus_a = log_sigmoid_from(-a, e_a);
        // log(1 − e^(−w)) for the bin's width w = b − a > 0, and w/(e^w − 1) = w·e^(−w)/(1 − e^(−w)):
        // below 0.5, 1 − e^(−w) by its series, which keeps the digits a subtraction would lose.
        float width = b - a;
        float e_width = exp_of(-width);
        float series = 1 - width / 9;
        series = 1 - width / 8 * series;
        series = 1 - width / 7 * series;
        series = 1 - width / 6 * series;
        series = 1 - width / 5 * series;
        series = 1 - width / 4 * series;
        series = 1 - width / 3 * series;
        series = 1 - width / 2 * series;
        float narrow = width < 0.5f;
        float mass = narrow ? width * series : 1 - e_width;   // 1 − e^(−w)
        int underflows = !(width >= FLT_MIN);
        float safe_mass = underflows ? 1 : mass;
        float log_mass = log_of(safe_mass);
        float ratio = width * (narrow ? 1 - mass : e_width) / safe_mass;
        float middle_value = log_sigmoid_b + log_sigmoid_minus_a + log_mass;
        float middle_d_mean = inverse_scale * (lower - upper);
        float middle_d_log_scale = a * lower - b * upper - ratio;
        int bottom = level == 0, top = level == 255;
        value[j] = bottom ? log_sigmoid_b : (top ? log_sigmoid_minus_a : middle_value);
        d_mean[j] = bottom ? -inverse_scale * upper : (top ? inverse_scale * lower : middle_d_mean);
        float d_log = bottom ? -b * upper : (top ? a * lower : middle_d_log_scale);
        // Below the floor the log-scale does not move the probability.
        d_log_scale[j] = raw_log_scales[j] >= minimum_log_scale ? d_log : 0;
        fallback[j] = underflows && !bottom && !top;
    }
}

// The density at the bin's centre times its width, for a bin too narrow to difference:
// e^m / (s (1 + e^m)²) · 2/255 with m = (x − μ)/s.
static void density_fallback(float level, float mean, float raw_log_scale, float *value, float *d_mean, float *d_log_scale) {
    float log_scale = floored(raw_log_scale);
    float inverse_scale = exp_of(-log_scale);
    float m = inverse_scale * centred(level, mean);
    float e = exp_of(m < 0 ? m : -m);
    float slope = 1 - 2 * sigmoid_from(m, e);
    *value = m - log_scale + 2 * log_sigmoid_from(-m, e) + log_of(2 * half_bin);
    *d_mean = -inverse_scale * slope;
    *d_log_scale = raw_log_scale >= minimum_log_scale ? -1 - m * slope : 0;
}

long latent_logistic_mixture_scratch_floats(long components) { return (6 * components + 5) * TILE; }

// One row: the tiles in order, each a pass of the log-softmax over the mixture logits, the bins of
// every component, the log-sum-exp that mixes them and, when asked, the gradient.
static inline __attribute__((always_inline)) double mixture_row(const float *restrict parameters, const float *restrict data,
                                                                long values, long k, float *restrict gradient,
                                                                float *restrict scratch) {
    const float *logits = parameters, *means = parameters + k * values, *scales = parameters + 2 * k * values;
    float *levels = scratch, *largest_logit = levels + TILE, *log_normalizer = largest_logit + TILE,
          *largest = log_normalizer + TILE, *log_probability = largest + TILE;
    float *terms = log_probability + TILE, *log_weights = terms + k * TILE, *d_means = log_weights + k * TILE,
          *d_scales = d_means + k * TILE, *sums = d_scales + k * TILE;
    int fallback[TILE];
    double total = 0;
    for (long start = 0; start < values; start += TILE) {
        long n = values - start < TILE ? values - start : TILE;
        for (long j = 0; j < n; j++) {
            float v = data[start + j];
            v = v < 0 ? 0 : (v > 1 ? 1 : v);
            levels[j] = (float)(int)(v * 255 + 0.5f);
            largest_logit[j] = -INFINITY;
            largest[j] = -INFINITY;
            sums[j] = 0;
        }
        // log π_c by a log-softmax over the K logits, the largest subtracted.
        for (long c = 0; c < k; c++) {
            const float *l = logits + c * values + start;
            for (long j = 0; j < n; j++) largest_logit[j] = l[j] > largest_logit[j] ? l[j] : largest_logit[j];
        }
        for (long c = 0; c < k; c++) {
            const float *l = logits + c * values + start;
            for (long j = 0; j < n; j++) sums[j] += exp_of(l[j] - largest_logit[j]);
        }
        for (long j = 0; j < n; j++) {
            log_normalizer[j] = largest_logit[j] + log_of(sums[j]);
            sums[j] = 0;
        }
        for (long c = 0; c < k; c++) {
            float *term = terms + c * TILE, *log_weight = log_weights + c * TILE;
            const float *mean = means + c * values + start, *scale = scales + c * values + start;
            component_bins(levels, mean, scale, n, term, d_means + c * TILE, d_scales + c * TILE, fallback);
            for (long j = 0; j < n; j++) {
                if (fallback[j]) density_fallback(levels[j], mean[j], scale[j], term + j, d_means + c * TILE + j, d_scales + c * TILE + j);
            }
            const float *l = logits + c * values + start;
            for (long j = 0; j < n; j++) {
                log_weight[j] = l[j] - log_normalizer[j];
                term[j] += log_weight[j];
                largest[j] = term[j] > largest[j] ? term[j] : largest[j];
            }
        }
        for (long c = 0; c < k; c++) {
            const float *term = terms + c * TILE;
            for (long j = 0; j < n; j++) sums[j] += exp_of(term[j] - largest[j]);
        }
        for (long j = 0; j < n; j++) log_probability[j] = largest[j] + log_of(sums[j]);
        for (long j = 0; j < n; j++) total -= (double)log_probability[j];
        if (!gradient) continue;
        for (long c = 0; c < k; c++) {
            // Responsibility r_c = π_c P_c / P; −log P has ∂/∂logit_c = π_c − r_c.
            const float *term = terms + c * TILE, *log_weight = log_weights + c * TILE;
            const float *d_mean = d_means + c * TILE, *d_scale = d_scales + c * TILE;
            float *g_logit = gradient + c * values + start, *g_mean = gradient + (k + c) * values + start,
                  *g_scale = gradient + (2 * k + c) * values + start;
            for (long j = 0; j < n; j++) {
                float responsibility = exp_of(term[j] - log_probability[j]);
                g_logit[j] = exp_of(log_weight[j]) - responsibility;
                g_mean[j] = -responsibility * d_mean[j];
                g_scale[j] = -responsibility * d_scale[j];
            }
        }
    }
    return total;
}

#define MIXTURE_ROW(suffix, attributes)                                                                    \
    attributes static double mixture_row_##suffix(const float *parameters, const float *data, long values, \
                                                  long k, float *gradient, float *scratch) {              \
        return mixture_row(parameters, data, values, k, gradient, scratch);                               \
    }

MIXTURE_ROW(baseline, )
#if defined(__x86_64__)
MIXTURE_ROW(avx2, __attribute__((target("avx2,fma"))))
MIXTURE_ROW(avx512, __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"), min_vector_width(512))))
#endif

double latent_logistic_mixture_row(const float *parameters, const float *data, long values, long components, float *gradient,
                                   float *scratch) {
    switch (latent_elementwise_isa()) {
#if defined(__x86_64__)
    case LATENT_ISA_AVX512: return mixture_row_avx512(parameters, data, values, components, gradient, scratch);
    case LATENT_ISA_AVX2: return mixture_row_avx2(parameters, data, values, components, gradient, scratch);
#endif
    default: return mixture_row_baseline(parameters, data, values, components, gradient, scratch);
    }
}
