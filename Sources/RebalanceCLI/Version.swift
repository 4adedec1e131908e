/// The version `rebalance --version` prints: the one place it is written.
public enum RebalanceVersion {
    public static let current = "0.2.0"
}
