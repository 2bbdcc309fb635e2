extension Result {
    /// The error, when this is a failure: the configuration problem a balancer keeps to report when its
    /// chain is built.
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
