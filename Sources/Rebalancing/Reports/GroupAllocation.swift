/// One group's money laid out along its pie, level by level, before or after a plan: what a
/// report draws as nested rings and lists as an indented table. A leaf with alternates is its
/// class (docs/scenario-format.md): it holds what all its members hold, and its members, one level further
/// out, show what fills it. Every figure comes from ``PlanMeasures`` (holdings, class holdings,
/// cash, misallocation), so a report shows what the plan's summary counts.
public struct GroupAllocation: Sendable {
    /// A slice of the pie: a sub-pie (with children), a leaf (with its class's members as
    /// children when it has alternates), a member of a class, a symbol held but not in the pie,
    /// or the group's cash above its reserve.
    public struct Node: Sendable {
        public enum Kind: Sendable, Equatable {
            /// A sub-pie; its children are its slices.
            case pie
            /// A leaf naming a symbol (index into `household.symbols`): its class. Its children
            /// are the class's members when it has alternates, else none.
            case symbol(Int)
            /// A member of a class with alternates (the leaf's own symbol or an alternate); its
            /// target is the class's, not its own (0 here).
            case member(Int)
            /// A symbol the group holds that its pie does not name (target 0).
            case untargeted(Int)
            /// Cash above the accounts' `minCash` (target 0).
            case cash
        }

        public let kind: Kind
        /// The slice's name, the symbol, or `Cash`.
        public let label: String
        /// Target dollars: the product of the weights along the path times I_G (0 off the pie).
        public let target: Double
        /// Dollars held: Σ of the children for a sub-pie, what all members hold for a leaf, the
        /// symbol's holding for a member or off the pie (a class named by several leaves is
        /// shared among them in proportion to their targets). Cash may be negative while a
        /// withdrawal is not yet raised.
        public let held: Double
        public let children: [Node]

        public init(kind: Kind, label: String, target: Double, held: Double, children: [Node]) {
            self.kind = kind
            self.label = label
            self.target = target
            self.held = held
            self.children = children
        }

        /// The symbol's index for a symbol or an untargeted holding.
        public var symbol: Int? {
            switch kind {
            case .symbol(let s), .member(let s), .untargeted(let s): s
            case .pie, .cash: nil
            }
        }

        /// How many rings the node spans: 1 for a leaf without alternates, 1 + the deepest child
        /// otherwise.
        public var depth: Int { 1 + (children.map(\.depth).max() ?? 0) }
    }

    public let group: Household.Group
    /// The top-level slices in the pie's order, then untargeted holdings by symbol, then cash.
    public let nodes: [Node]
    /// Σ_a e_a over the group's accounts (negative while a withdrawal is not yet raised).
    public let cash: Double
    /// D_G from ``PlanMeasures/misallocationByGroup(sharesSold:purchases:)``.
    public let misallocated: Double

    /// D_G / I_G.
    public var drift: Double { misallocated / group.investable }
    /// The number of rings: the deepest path from the pie's top level to a leaf (or to the
    /// members of a class).
    public var levels: Int { nodes.map(\.depth).max() ?? 0 }
}

extension PlanMeasures {
    /// Every group's allocation after the trades (before any trade when `sharesSold` is nil and
    /// `purchases` empty), in `household.groups` order.
    public func allocations(sharesSold: [Double]?, purchases: [Plan.Purchase]) -> [GroupAllocation] {
        let holdings = holdings(sharesSold: sharesSold, purchases: purchases)
        let classHoldings = classHoldings(sharesSold: sharesSold, purchases: purchases)
        let cash = cashAfter(sharesSold: sharesSold, purchases: purchases)
        let misallocated = misallocationByGroup(sharesSold: sharesSold, purchases: purchases)
        let accounts = household.scenario.accounts
        let symbols = household.symbols
        let index = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { ($1, $0) })

        return household.groups.enumerated().map { g, group in
            // An account with its own pie is a group alone; every other group follows the household pie.
            let pie = accounts[group.accounts[0]].pie ?? household.scenario.pie
            let held = holdings[g], classHeld = classHoldings[g]
            func node(_ slice: Slice, fraction: Double) -> GroupAllocation.Node {
                switch slice.content {
                case .symbol(let name):
                    // A class named by several leaves is shared in proportion to their targets.
                    let s = index[name]!
                    let whole = group.targets[s] ?? fraction
                    let part = whole > 0 ? fraction / whole : 0
                    let members = group.classOf(s)?.members ?? [s]
                    let children =
                        members.count < 2
                        ? []
                        : members.map { m in
                            GroupAllocation.Node(
                                kind: .member(m), label: symbols[m], target: 0, held: (held[m] ?? 0) * part,
                                children: [])
                        }
                    return .init(
                        kind: .symbol(s), label: name, target: fraction * group.investable,
                        held: (classHeld[s] ?? 0) * part, children: children)
                case .pie(let inner):
                    let children = inner.slices.map { node($0, fraction: fraction * $0.weight / 100) }
                    return .init(
                        kind: .pie, label: inner.name ?? children.map(\.label).joined(separator: " + "),
                        target: fraction * group.investable, held: children.reduce(0) { $0 + $1.held },
                        children: children)
                }
            }
            var nodes = (pie?.slices ?? []).map { node($0, fraction: $0.weight / 100) }
            // What the group holds off its pie: classes of their own (sorted: a Set's order
            // changes from run to run).
            for s in Set(classHeld.keys).union(group.classes.map(\.symbol)).sorted() where group.targets[s] == nil {
                nodes.append(.init(kind: .untargeted(s), label: symbols[s], target: 0, held: classHeld[s] ?? 0, children: []))
            }
            let excess = group.accounts.reduce(0) { $0 + (cash[$1] - accounts[$1].minCash) }
            nodes.append(.init(kind: .cash, label: "Cash", target: 0, held: excess, children: []))
            return GroupAllocation(group: group, nodes: nodes, cash: excess, misallocated: misallocated[g])
        }
    }
}
