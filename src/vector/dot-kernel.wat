;; How rows of 8-bit integers are compared with a float64 question (src/vector/dot-kernel.ts), in
;; WebAssembly SIMD. Each function does the operations of the JavaScript loop it replaced in the
;; same order, so it gives the same bits (WebAssembly never fuses a multiply and an add).
;; Assembled into dot-kernel-wasm.ts by `npm run assemble-kernel`.
;;
;; sum(row, q, d), what a graph walk compares with: over j < d (a multiple of 16), the int8 at
;; row + j times the float64 at q + 8j, added as four running float64 sums by j mod 4 (a, b, c, e),
;; returned as ((a + b) + c) + e.
(module
  (import "env" "memory" (memory 0))
  (func (export "sum") (param $row i32) (param $q i32) (param $d i32) (result f64)
    (local $end i32) (local $ab v128) (local $ce v128) (local $v v128) (local $h v128) (local $x v128)
    (local.set $end (i32.add (local.get $row) (local.get $d)))
    (block $empty
      (br_if $empty (i32.ge_u (local.get $row) (local.get $end)))
      (loop $next
        ;; 16 components: lanes (a, b) of $ab take the components 4i and 4i + 1, lanes (c, e) of $ce 4i + 2 and 4i + 3.
        (local.set $v (v128.load (local.get $row)))
        (local.set $h (i16x8.extend_low_i8x16_s (local.get $v)))
        (local.set $x (i32x4.extend_low_i16x8_s (local.get $h)))
        (local.set $ab (f64x2.add (local.get $ab) (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $x)) (v128.load offset=0 (local.get $q)))))
        (local.set $ce (f64x2.add (local.get $ce) (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=16 (local.get $q)))))
        (local.set $x (i32x4.extend_high_i16x8_s (local.get $h)))
        (local.set $ab (f64x2.add (local.get $ab) (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $x)) (v128.load offset=32 (local.get $q)))))
        (local.set $ce (f64x2.add (local.get $ce) (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=48 (local.get $q)))))
        (local.set $h (i16x8.extend_high_i8x16_s (local.get $v)))
        (local.set $x (i32x4.extend_low_i16x8_s (local.get $h)))
        (local.set $ab (f64x2.add (local.get $ab) (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $x)) (v128.load offset=64 (local.get $q)))))
        (local.set $ce (f64x2.add (local.get $ce) (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=80 (local.get $q)))))
        (local.set $x (i32x4.extend_high_i16x8_s (local.get $h)))
        (local.set $ab (f64x2.add (local.get $ab) (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $x)) (v128.load offset=96 (local.get $q)))))
        (local.set $ce (f64x2.add (local.get $ce) (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (v128.load offset=112 (local.get $q)))))
        (local.set $q (i32.add (local.get $q) (i32.const 128)))
        (local.set $row (i32.add (local.get $row) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $row) (local.get $end)))))
    (f64.add
      (f64.add
        (f64.add (f64x2.extract_lane 0 (local.get $ab)) (f64x2.extract_lane 1 (local.get $ab)))
        (f64x2.extract_lane 0 (local.get $ce)))
      (f64x2.extract_lane 1 (local.get $ce))))

  ;; exact(row, q, d, scale): over j < d (a multiple of 16), float32(int8 at row + j × scale) times
  ;; the float64 at q + 8j, summed in float64 one after another in dimension order: ByteVectors.dot.
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
