/// Grouping strokes by gaps alone, and the writing height (numbers.js `groupStrokes`,
/// `typicalHeight`). Used only to estimate the writing height H; the reading itself segments
/// with the model.
enum StrokeGroups {
    struct Group { var strokes: [Int]; var box: InkBox }

    /// Strokes whose centre lines come within `width`, or whose x-extents overlap by half the
    /// narrower, are one group. Groups sorted by left edge, then top.
    static func group(_ strokes: [InkStroke], width: Double) -> [Group] {
        let n = strokes.count
        var parent = Array(0..<n)
        let boxes = strokes.map { NumberGeometry.bounds($0.points) }
        func find(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        func join(_ i: Int, _ j: Int) {
            let i = find(i), j = find(j)
            if i != j { parent[j] = i }
        }
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                let a = boxes[i], b = boxes[j]
                if a.x0 - width > b.x1 || b.x0 - width > a.x1 || a.y0 - width > b.y1 || b.y0 - width > a.y1 { continue }
                if NumberGeometry.strokeDistance(strokes[i], strokes[j]) <= width { join(i, j) }
            }
        }
        func collect() -> [Group] {
            var byRoot: [Int: Int] = [:], list: [Group] = []
            for k in 0..<n {
                let r = find(k)
                if let g = byRoot[r] {
                    list[g].box = list[g].box.union(boxes[k])
                    list[g].strokes.append(k)
                } else {
                    byRoot[r] = list.count
                    list.append(Group(strokes: [k], box: boxes[k]))
                }
            }
            return list
        }
        var groups: [Group]
        while true {
            groups = collect()
            var merged = false
            outer: for i in groups.indices {
                for j in groups.indices where j > i {
                    let g = groups[i].box, h = groups[j].box
                    let overlap = min(g.x1, h.x1) - max(g.x0, h.x0)
                    if overlap >= 0.5 * max(min(g.x1 - g.x0, h.x1 - h.x0), width) {
                        join(groups[i].strokes[0], groups[j].strokes[0])
                        merged = true
                        break outer
                    }
                }
            }
            if !merged { break }
        }
        return groups.stableSorted { g, h in g.box.x0 < h.box.x0 || (g.box.x0 == h.box.x0 && g.box.y0 < h.box.y0) }
    }

    /// The typical height of the tall boxes: the median of those at least half the tallest.
    static func typicalHeight(_ boxes: [InkBox]) -> Double {
        let hs = boxes.map { $0.y1 - $0.y0 }.sorted(by: >)
        guard let tallest = hs.first else { return 0 }
        let tall = hs.filter { $0 >= 0.5 * tallest }
        return tall[tall.count / 2]
    }
}
