/// A cooldown that doubles with each consecutive episode, up to a cap: `base · 2^(episode-1)`, at most
/// `cap`. Circuit breakers use it for open timeouts, ejecting balancers for ejection times.
struct ExponentialCooldown: Sendable, Hashable {
    /// The first episode's cooldown; positive.
    let base: Duration
    /// The longest cooldown; at least `base`.
    let cap: Duration

    /// The cooldown of the `episode`-th consecutive episode, counting from 1.
    func duration(forEpisode episode: Int) -> Duration {
        var cooldown = base
        var doubled = 1
        // Stops doubling at the cap, so a long run of episodes neither loops long nor overflows.
        while doubled < episode && cooldown < cap {
            cooldown *= 2
            doubled += 1
        }
        return min(cooldown, cap)
    }
}
