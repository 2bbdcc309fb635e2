/// The largest weight a balancer honours: it keeps every weighted sum and cross-product within 64 bits.
let maximumEffectiveWeight = Int(Int32.max)

/// A weight as the weighted balancers count it: values below 1 count as 1, values above
/// ``maximumEffectiveWeight`` as that maximum.
func effectiveWeight(_ weight: Int) -> Int {
    min(max(weight, 1), maximumEffectiveWeight)
}
