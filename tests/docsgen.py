"""Generate docs/plugins/*.md and docs/roles/*.md from the plugins' and roles' own documentation.

    python -m tests.docsgen           write the pages
    python -m tests.docsgen --check   fail if a page is missing or out of date (make test runs this)

Module, inventory and filter pages come from `ansible-doc --json` (so doc fragments are merged exactly
as ansible-doc shows them); the event source page from its docstring; role pages from each role's
README and meta/argument_specs.yml.
"""

import argparse
import ast
import glob
import json
import os
import re
import subprocess
import sys

import yaml
from antsibull_docs_parser import dom
from antsibull_docs_parser.format import LinkProvider
from antsibull_docs_parser.md import to_md
from antsibull_docs_parser.parser import Context, parse

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(REPO_ROOT, "docs")
COLLECTION = "secops.mobile_security"
PLUGIN = None  # the plugin whose page is being written: O() and RV() without a plugin name refer to it
ROLE_ENTRYPOINT = "main"  # a role's O() and RV() refer to this entry point of meta/argument_specs.yml


class PageLinks(LinkProvider):
    """M(), O() and RV() of this collection link to its generated pages; others stay plain text."""

    def __init__(self, prefix=""):
        self.prefix = prefix

    def plugin_link(self, plugin):
        if plugin.fqcn.startswith(COLLECTION + ".") and plugin.type in ("module", "inventory", "filter"):
            return "%s%s.md" % (self.prefix, plugin.fqcn.split(".")[-1])
        return None

    def plugin_option_like_link(self, plugin, entrypoint, what, name, current_plugin):
        if current_plugin:
            return None
        page = self.plugin_link(plugin)
        return page and "%s#%s" % (page, "options" if what == "option" else "return-values")


LINKS = PageLinks()


def markup(text):
    """Ansible doc markup (O(), RV(), M(), C(), ...) as Markdown, by the ecosystem's own parser.

    Markup the parser cannot read is an error, never "ERROR while parsing" text on a published page.
    """
    entrypoint = ROLE_ENTRYPOINT if PLUGIN is not None and PLUGIN.type == "role" else None
    context = Context(current_plugin=PLUGIN, role_entrypoint=entrypoint)
    try:
        parsed = parse(str(text), context, errors="exception")
    except ValueError as err:
        where = PLUGIN.fqcn if PLUGIN is not None else "?"
        raise SystemExit("docsgen: %s (%s): cannot render %r: %s" % (where, PLUGIN and PLUGIN.type, text, err))
    return to_md(parsed, link_provider=LINKS, current_plugin=PLUGIN)


def paragraphs(value):
    if value is None:
        return []
    return [markup(v) for v in (value if isinstance(value, list) else [value])]


def cell(text):
    # The parser already escapes | in what it renders; escape only the bare ones (defaults, choices).
    return re.sub(r"(?<!\\)\|", "\\|", text).replace("\n", " ")


def option_rows(options, prefix=""):
    rows = []
    for name in sorted(options or {}):
        spec = options[name]
        kind = spec.get("type", "str")
        if spec.get("elements"):
            kind += " of " + spec["elements"]
        extras = []
        if spec.get("required"):
            extras.append("**required**")
        if spec.get("default") is not None:
            extras.append("default: `%s`" % json.dumps(spec["default"]))
        if spec.get("choices"):
            extras.append("choices: %s" % ", ".join("`%s`" % c for c in spec["choices"]))
        env = [e["name"] for e in spec.get("env", []) or []]
        if env:
            extras.append("env: %s" % ", ".join("`%s`" % e for e in env))
        description = " ".join(paragraphs(spec.get("description")))
        rows.append("| `%s%s` | %s | %s | %s |" % (prefix, name, kind, cell("<br>".join(extras)), cell(description)))
        rows.extend(option_rows(spec.get("suboptions"), prefix + name + "."))
    return rows


def options_table(options):
    return ["| option | type | | description |", "|---|---|---|---|"] + option_rows(options)


def return_rows(returns, prefix=""):
    rows = []
    for name in sorted(returns or {}):
        spec = returns[name]
        description = " ".join(paragraphs(spec.get("description")))
        rows.append("| `%s%s` | %s | %s | %s |" % (prefix, name, spec.get("type", ""), cell(markup(
            spec.get("returned", ""))), cell(description)))
        rows.extend(return_rows(spec.get("contains"), prefix + name + "."))
    return rows


def returns_table(returns):
    return ["| key | type | returned | description |", "|---|---|---|---|"] + return_rows(returns)


def plugin_page(kind, name, data):
    global PLUGIN, LINKS  # pylint: disable=global-statement
    PLUGIN, LINKS = dom.PluginIdentifier(fqcn=name, type=kind), PageLinks()
    doc = data["doc"]
    short = name.split(".")[-1]
    lines = ["# %s (%s)" % (name, kind), "", markup(doc.get("short_description", "")), ""]
    lines += paragraphs(doc.get("description"))
    lines.append("")
    if doc.get("requirements"):
        lines += ["## Requirements", ""] + ["- %s" % markup(r) for r in doc["requirements"]] + [""]
    lines += ["## Options", ""] + options_table(doc.get("options")) + [""]
    if doc.get("attributes"):
        lines += ["## Attributes", "", "| attribute | support | details |", "|---|---|---|"]
        for attr, spec in sorted(doc["attributes"].items()):
            lines.append("| %s | %s | %s |" % (attr, spec.get("support", ""), cell(" ".join(paragraphs(
                spec.get("details"))))))
        lines.append("")
    if doc.get("notes"):
        lines += ["## Notes", ""] + ["- %s" % n for n in paragraphs(doc["notes"])] + [""]
    examples = data.get("examples")
    if examples:
        lines += ["## Examples", "", "```yaml", examples.strip("\n"), "```", ""]
    returns = data.get("return")
    if returns:
        lines += ["## Return values", ""] + returns_table(returns) + [""]
    lines.append("*Generated from `%s` by `python -m tests.docsgen`; do not edit.*" % os.path.relpath(
        doc.get("filename", short), REPO_ROOT) if doc.get("filename", "").startswith(REPO_ROOT) else
        "*Generated by `python -m tests.docsgen`; do not edit.*")
    return short, "\n".join(lines) + "\n"


def ansible_doc(kind, names):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO_ROOT, ".build", "collections"),
               ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1")
    binary = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    out = subprocess.run([binary, "--json", "-t", kind] + ["%s.%s" % (COLLECTION, n) for n in names],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def event_source_page(path):
    with open(path) as handle:
        docstring = ast.get_docstring(ast.parse(handle.read()))
    name = os.path.splitext(os.path.basename(path))[0]
    title, _sep, body = docstring.partition("\n")
    return name, "# %s.%s (event source)\n\n%s\n\n```text\n%s\n```\n\n*Generated from `%s` by `python -m tests.docsgen`;" \
        " do not edit.*\n" % (COLLECTION, name, title.strip(), body.strip("\n"), os.path.relpath(path, REPO_ROOT))


def role_page(role_dir):
    global PLUGIN, LINKS  # pylint: disable=global-statement
    name = os.path.basename(role_dir)
    PLUGIN, LINKS = dom.PluginIdentifier(fqcn="%s.%s" % (COLLECTION, name), type="role"), PageLinks("../plugins/")
    with open(os.path.join(role_dir, "README.md")) as handle:
        readme = handle.read().strip()
    with open(os.path.join(role_dir, "meta", "argument_specs.yml")) as handle:
        specs = yaml.safe_load(handle)["argument_specs"]["main"]
    lines = [readme, "", "## Argument specification (meta/argument_specs.yml)", ""]
    lines += options_table(specs.get("options"))
    lines += ["", "*Generated from `roles/%s/README.md` and `meta/argument_specs.yml` by `python -m tests.docsgen`;"
              " do not edit.*" % name]
    return name, "\n".join(lines) + "\n"


def pages():
    found = {}
    modules = sorted(os.path.splitext(os.path.basename(p))[0]
                     for p in glob.glob(os.path.join(REPO_ROOT, "plugins", "modules", "*.py")) if "__init__" not in p)
    # A filter's documentation is the .yml file beside its code, one per filter.
    filters = sorted(os.path.splitext(os.path.basename(p))[0]
                     for p in glob.glob(os.path.join(REPO_ROOT, "plugins", "filter", "*.yml")))
    for kind, names in (("module", modules), ("inventory", ["hm_devices"]), ("filter", filters)):
        for full_name, data in sorted(ansible_doc(kind, names).items()):
            short, text = plugin_page(kind, full_name, data)
            found[os.path.join("plugins", short + ".md")] = text
    for path in sorted(glob.glob(os.path.join(REPO_ROOT, "extensions", "eda", "plugins", "event_source", "*.py"))):
        short, text = event_source_page(path)
        found[os.path.join("plugins", short + ".md")] = text
    for role_dir in sorted(glob.glob(os.path.join(REPO_ROOT, "roles", "*"))):
        short, text = role_page(role_dir)
        found[os.path.join("roles", short + ".md")] = text
    index = ["# Reference", "", "## Plugins and roles", "", "| page | what |", "|---|---|"]
    for rel, text in sorted(found.items()):
        first = [line for line in text.splitlines() if line.strip()]
        summary = first[1] if len(first) > 1 else ""
        index.append("| [%s](%s) | %s |" % (rel[:-3], rel, cell(summary)))
    index += ["", "## Guides", "", "| page | what |", "|---|---|"]
    for path in sorted(glob.glob(os.path.join(DOCS, "*.md"))):
        name = os.path.basename(path)
        if name != "reference.md":
            with open(path) as handle:
                title = handle.readline().lstrip("# ").strip()
            index.append("| [%s](%s) | %s |" % (name[:-3], name, cell(title)))
    found["reference.md"] = "\n".join(index) + "\n\n*Generated by `python -m tests.docsgen`; do not edit.*\n"
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for rel, text in pages().items():
        path = os.path.join(DOCS, rel)
        current = open(path).read() if os.path.exists(path) else None
        if current == text:
            continue
        if args.check:
            stale.append(rel)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as handle:
                handle.write(text)
            print("wrote docs/%s" % rel)
    if stale:
        print("docs out of date (run `make docs`): %s" % ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
