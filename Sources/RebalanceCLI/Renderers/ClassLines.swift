import Rebalancing

/// The classes of a household for the text formats: one line per slice with alternates (docs/scenario-format.md), the members filling it and how far the slice is off its target, e.g.
/// `VXUS slice: VXUS $12,000.00, IXUS $18,000.00; target $30,000.00, off target 0.00% → 0.00%`.
/// The figures are ``PlanMeasures``'s (the HTML page draws the same ones as rings).
enum ClassLines {
    /// The lines after `plan` (with the drift before → after), or of the holdings now when
    /// `plan` is nil; none when no slice has alternates.
    static func lines(_ household: Household, plan: Plan?) -> [String] {
        // A line is written only for a class with alternates: without one, nothing to measure
        // (measuring walks every lot twice per allocation, a sixth of a 100,000-lot plan's output).
        guard household.groups.contains(where: { $0.classes.contains { $0.members.count > 1 } }) else { return [] }
        let measures = PlanMeasures(household)
        let before = measures.allocations(sharesSold: nil, purchases: [])
        let after = plan.map { measures.allocations(sharesSold: $0.sharesSold, purchases: $0.purchases) }
        var lines: [String] = []
        for (g, allocation) in before.enumerated() {
            let group = allocation.group
            // Where the group is, when there is more than one.
            let place = household.groups.count > 1 ? " in \(group.name)" : ""
            func walk(_ nodes: [GroupAllocation.Node], _ afterNodes: [GroupAllocation.Node]?) {
                for (i, node) in nodes.enumerated() {
                    let matched = afterNodes.flatMap { i < $0.count ? $0[i] : nil }
                    guard case .symbol = node.kind, !node.children.isEmpty else {
                        if node.kind == .pie { walk(node.children, matched?.children) }
                        continue
                    }
                    let shown = matched ?? node
                    let members = shown.children.map { "\($0.label) \(Money.format($0.held))" }
                    func off(_ n: GroupAllocation.Node) -> String { signedPercent((n.held - n.target) / group.investable) }
                    let drift = matched.map { off(node) + " → " + off($0) } ?? off(node)
                    lines.append(
                        "\(node.label) slice\(place): " + members.joined(separator: ", ")
                            + "; target \(Money.format(node.target)), off target \(drift)")
                }
            }
            walk(allocation.nodes, after?[g].nodes)
        }
        return lines
    }

    /// `+1.25%`, `-0.40%`, `0.00%`.
    static func signedPercent(_ fraction: Double) -> String {
        let text = Money.percent(fraction)
        return text.hasPrefix("-") || text == Money.percent(0) ? text : "+" + text
    }
}
