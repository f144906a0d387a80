;; How rows of 8-bit integers are compared with a question (src/vector/dot-kernel.ts), in
;; WebAssembly SIMD. Assembled into dot-kernel-wasm.ts by `npm run assemble-kernel`.
;;
;; sum(row, q, d, base), what a graph walk compares with: the question as two rows of 16-bit
;; integers, high parts at q and low parts at q + 2d, each component standing for high × base +
;; low. Over j < d (a multiple of 16), Σ int8 × high and Σ int8 × low in 32-bit integers (exact:
;; the owner picks base so that neither sum can exceed 32 bits), returned as high × base + low in
;; float64. Integer products instead of float64 ones: a quarter of the operations per component.
(module
  (import "env" "memory" (memory 0))
  (func $sum (export "sum") (param $row i32) (param $q i32) (param $d i32) (param $base f64) (result f64)
    (local $end i32) (local $low i32) (local $hi v128) (local $lo v128) (local $a v128) (local $b v128)
    (local.set $end (i32.add (local.get $row) (local.get $d)))
    (local.set $low (i32.shl (local.get $d) (i32.const 1)))
    (block $empty
      (br_if $empty (i32.ge_u (local.get $row) (local.get $end)))
      (loop $next
        ;; 16 components: their bytes widened to two sets of eight 16-bit lanes, multiplied with the
        ;; question's parts and added pairwise into four 32-bit lanes per part.
        (local.set $b (v128.load (local.get $row)))
        (local.set $a (i16x8.extend_low_i8x16_s (local.get $b)))
        (local.set $b (i16x8.extend_high_i8x16_s (local.get $b)))
        (local.set $hi (i32x4.add (local.get $hi) (i32x4.dot_i16x8_s (local.get $a) (v128.load offset=0 (local.get $q)))))
        (local.set $hi (i32x4.add (local.get $hi) (i32x4.dot_i16x8_s (local.get $b) (v128.load offset=16 (local.get $q)))))
        (local.set $lo (i32x4.add (local.get $lo) (i32x4.dot_i16x8_s (local.get $a) (v128.load offset=0 (i32.add (local.get $q) (local.get $low))))))
        (local.set $lo (i32x4.add (local.get $lo) (i32x4.dot_i16x8_s (local.get $b) (v128.load offset=16 (i32.add (local.get $q) (local.get $low))))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $row (i32.add (local.get $row) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $row) (local.get $end)))))
    (f64.add
      (f64.mul
        (f64.convert_i32_s
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $hi)) (i32x4.extract_lane 1 (local.get $hi)))
            (i32.add (i32x4.extract_lane 2 (local.get $hi)) (i32x4.extract_lane 3 (local.get $hi)))))
        (local.get $base))
      (f64.convert_i32_s
        (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $lo)) (i32x4.extract_lane 1 (local.get $lo)))
          (i32.add (i32x4.extract_lane 2 (local.get $lo)) (i32x4.extract_lane 3 (local.get $lo)))))))

  ;; sums(rows, n, q, d, base, out): sum (above) of each of n rows, their byte offsets the i32s
  ;; at rows, into the f64s at out. First one load per 64 bytes of every row, none waiting on
  ;; another, so that rows not in cache arrive together rather than one after another; then the
  ;; sums, row by row, from cache.
  (func (export "sums") (param $rows i32) (param $n i32) (param $q i32) (param $d i32) (param $base f64) (param $out i32)
    (local $k i32) (local $row i32) (local $at i32) (local $end i32) (local $touched i32)
    (block $none
      (br_if $none (i32.eqz (local.get $n)))
      (loop $row_
        (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $end (i32.add (local.get $row) (local.get $d)))
        (local.set $at (local.get $row))
        (loop $line
          (local.set $touched (i32.xor (local.get $touched) (i32.load8_u (local.get $at))))
          (local.set $at (i32.add (local.get $at) (i32.const 64)))
          (br_if $line (i32.lt_u (local.get $at) (local.get $end))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $row_ (i32.lt_u (local.get $k) (local.get $n))))
      ;; What was read is kept (one byte past the sums), so no engine may drop the reads.
      (i32.store8 (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))) (local.get $touched))
      (local.set $k (i32.const 0))
      (loop $sum_
        (f64.store
          (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))
          (call $sum
            (i32.load (i32.add (local.get $rows) (i32.shl (local.get $k) (i32.const 2))))
            (local.get $q) (local.get $d) (local.get $base)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $sum_ (i32.lt_u (local.get $k) (local.get $n))))))

  ;; exact(row, q, d, scale): over j < d (a multiple of 16), float32(int8 at row + j × scale) times
  ;; the float64 at q + 8j, summed in float64 one after another in dimension order: ByteVectors.dot,
  ;; bit for bit (WebAssembly never fuses a multiply and an add).
  ;; A float32 product of an 8-bit integer and a float32 is the exact product rounded once, as
  ;; Math.fround of the float64 product is.
  (func (export "exact") (param $row i32) (param $q i32) (param $d i32) (param $scale f32) (result f64)
    (local $end i32) (local $sum f64) (local $s v128) (local $v v128) (local $h v128) (local $x v128) (local $p v128)
    (local.set $end (i32.add (local.get $row) (local.get $d)))
    (local.set $s (f32x4.splat (local.get $scale)))
    (block $empty
      (br_if $empty (i32.ge_u (local.get $row) (local.get $end)))
      (loop $next
        ;; 16 components, four at a time: each integer × scale as float32 (rounded once), times its
        ;; question component in float64, added to the sum in order.
        (local.set $v (v128.load (local.get $row)))
        (local.set $h (i16x8.extend_low_i8x16_s (local.get $v)))
        (local.set $x (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))) (local.get $s)))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (v128.load (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=16 (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $x (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))) (local.get $s)))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (v128.load (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=16 (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $h (i16x8.extend_high_i8x16_s (local.get $v)))
        (local.set $x (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))) (local.get $s)))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (v128.load (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=16 (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $x (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))) (local.get $s)))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (v128.load (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $p (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=16 (local.get $q))))
        (local.set $sum (f64.add (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $row (i32.add (local.get $row) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $row) (local.get $end)))))
    (local.get $sum))
)
