// Element access to a KV cache held as F32 or F16 (F16 read and written as packed pairs of 32-bit
// words, so no 16-bit storage feature is needed). `base` is the tensor's byte offset.
#if defined(CACHE_F32)
#define CACHE_WORD float
#define CACHE_READ(arr, base, i) arr[((base) >> 2) + (i)]
#else
#define CACHE_WORD uint
#define CACHE_READ(arr, base, i) unpackHalf2x16(arr[((base) >> 2) + ((i) >> 1)])[(i) & 1u]
#endif
