/// A `ChatContent` as the HTML subset Matrix, Telegram and mail take: the headline in bold, the
/// summary, the facts, the dashboard and runbook as links and the footer. Untrusted text is
/// cleaned and entity-escaped; statusd's own markup is the only markup.
public enum ServiceText {
    /// `cut`: the most UTF-8 bytes of any one piece of text (each cut before it is wrapped in
    /// tags, so a cut never leaves a tag open).
    public static func html(_ c: ChatContent, newline: String, cut: Int, links: Bool = true) -> String {
        let h = Untrusted.html
        var out = "<b>" + Trim.utf8(c.headline.render(h), cut) + "</b>" + newline + Trim.utf8(c.summary.render(h), cut)
        for f in c.facts { out += newline + "<b>" + f.name + ":</b> " + Trim.utf8(f.value.render(h), cut) }
        if links {
            if let link = c.link { out += newline + "<a href=\"" + Untrusted.html(link) + "\">Open dashboard</a>" }
            if let runbook = c.runbook { out += newline + "<a href=\"" + Untrusted.html(runbook) + "\">Runbook</a>" }
        }
        out += newline + "<i>" + Trim.utf8(c.footer.render(h), cut) + "</i>"
        return out
    }

    /// The same as plain text, each piece cut to `cut` bytes.
    public static func plain(_ c: ChatContent, cut: Int) -> String {
        var lines = [Trim.utf8(c.headline.plain, cut), Trim.utf8(c.summary.plain, cut)]
        for f in c.facts { lines.append(f.name + ": " + Trim.utf8(f.value.plain, cut)) }
        if let link = c.link { lines.append("Dashboard: " + link) }
        if let runbook = c.runbook { lines.append("Runbook: " + runbook) }
        lines.append(Trim.utf8(c.footer.plain, cut))
        return lines.joined(separator: "\n")
    }

    /// Renders with a smaller cut until `fits`: a message is trimmed, never refused.
    static func fitting<T>(start: Int = 8000, _ render: (Int) -> T, fits: (T) -> Bool) -> T {
        var cut = start
        var out = render(cut)
        while !fits(out), cut > 32 {
            cut /= 2
            out = render(cut)
        }
        return out
    }
}
