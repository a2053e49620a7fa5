;; The resampler's inner loop with 128-bit SIMD: for each of `n` outputs, the dot product of a
;; window of the input history with one phase row of the polyphase table, then a rational step.
;; Built into fir.generated.ts by `npm run build:wasm` (scripts/build-wasm.ts); a unit test checks
;; that the committed bytes are what this file assembles to.
(module
  (memory (export "memory") 1)

  ;; hist, table, out: byte offsets of float32 arrays in memory.
  ;; taps: row length, a multiple of 8. pos: first window start (index into hist).
  ;; frac: first phase row. Each output advances pos by stepInt and frac by stepFrac (mod phases).
  (func (export "run")
    (param $hist i32) (param $table i32) (param $out i32) (param $taps i32) (param $n i32)
    (param $pos i32) (param $frac i32) (param $stepInt i32) (param $stepFrac i32) (param $phases i32)
    (local $i i32) (local $px i32) (local $ph i32) (local $end i32) (local $rowBytes i32)
    (local $acc0 v128) (local $acc1 v128)
    (local.set $rowBytes (i32.shl (local.get $taps) (i32.const 2)))
    (block $done
      (loop $outputs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $px (i32.add (local.get $hist) (i32.shl (local.get $pos) (i32.const 2))))
        (local.set $ph (i32.add (local.get $table) (i32.mul (local.get $frac) (local.get $rowBytes))))
        (local.set $end (i32.add (local.get $px) (local.get $rowBytes)))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        ;; Two accumulators so one add does not wait on the previous one.
        (loop $taps
          (local.set $acc0 (f32x4.add (local.get $acc0)
            (f32x4.mul (v128.load (local.get $px)) (v128.load (local.get $ph)))))
          (local.set $acc1 (f32x4.add (local.get $acc1)
            (f32x4.mul (v128.load offset=16 (local.get $px)) (v128.load offset=16 (local.get $ph)))))
          (local.set $px (i32.add (local.get $px) (i32.const 32)))
          (local.set $ph (i32.add (local.get $ph) (i32.const 32)))
          (br_if $taps (i32.lt_u (local.get $px) (local.get $end))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
        (local.set $pos (i32.add (local.get $pos) (local.get $stepInt)))
        (local.set $frac (i32.add (local.get $frac) (local.get $stepFrac)))
        (if (i32.ge_u (local.get $frac) (local.get $phases))
          (then
            (local.set $frac (i32.sub (local.get $frac) (local.get $phases)))
            (local.set $pos (i32.add (local.get $pos) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outputs)))))
