"""Extract the allowed and refused queries of crystaldba/postgres-mcp's SafeSqlDriver tests.

Usage: python3 extract-postgres-mcp-safe-sql.py REPO_GIT_DIR COMMIT > postgres-mcp-safe-sql.json

Reads tests/unit/sql/test_safe_sql.py at COMMIT with `git show`, walks its
syntax tree (no regexes), and records every `safe_driver.execute_query(q)`
call: inside `with pytest.raises(...)` the case is refused, else allowed.
`q` is resolved from string constants, lists of them looped over, and
f-strings over a `pytest.mark.parametrize` list; anything else is listed as
skipped with the reason.
"""
import ast
import json
import subprocess
import sys

PATH = "tests/unit/sql/test_safe_sql.py"


def main(git_dir: str, commit: str) -> None:
    source = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{PATH}"], check=True, capture_output=True, text=True).stdout
    tree = ast.parse(source)
    cases, skipped = [], []
    for fn in tree.body:
        if not isinstance(fn, ast.AsyncFunctionDef) or not fn.name.startswith("test_"):
            continue
        params = {}
        for deco in fn.decorator_list:
            if isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize":
                name = deco.args[0].value
                params[name] = [elt.value for elt in deco.args[1].elts]
        bindings = [{}]
        for name, values in params.items():
            bindings = [dict(b, **{name: v}) for b in bindings for v in values]

        def strings(node, env, names):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                return [node.value]
            if isinstance(node, ast.JoinedStr):
                out = ""
                for part in node.values:
                    if isinstance(part, ast.Constant):
                        out += part.value
                    elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name) and part.value.id in env:
                        out += str(env[part.value.id])
                    else:
                        return None
                return [out]
            if isinstance(node, ast.Name) and node.id in names:
                return names[node.id]
            return None

        for env in bindings:
            names = {}
            seen_in_test = set()

            def walk(stmts, refused):
                for stmt in stmts:
                    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                        target = stmt.targets[0].id
                        if isinstance(stmt.value, ast.List):
                            items = [strings(elt, env, names) for elt in stmt.value.elts]
                            names[target] = None if any(i is None for i in items) else [s for i in items for s in i]
                        else:
                            names[target] = strings(stmt.value, env, names)
                    elif isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name):
                        names[stmt.target.id] = names.get(stmt.iter.id) if isinstance(stmt.iter, ast.Name) else None
                        walk(stmt.body, refused)
                    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                        raises = any(
                            isinstance(item.context_expr, ast.Call) and getattr(item.context_expr.func, "attr", "") == "raises" for item in stmt.items
                        )
                        walk(stmt.body, refused or raises)
                    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Await):
                        call = stmt.value.value
                        if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "execute_query" and getattr(call.func.value, "id", "") == "safe_driver":
                            queries = strings(call.args[0], env, names)
                            if queries is None:
                                skipped.append({"test": fn.name, "line": stmt.lineno, "reason": "the query is built at run time (psycopg SQL.format), not a constant"})
                                continue
                            for query in queries:
                                key = (query, refused)
                                if key in seen_in_test:
                                    continue
                                seen_in_test.add(key)
                                cases.append({"test": fn.name, "line": stmt.lineno, "sql": query, "expected": "refused" if refused else "allowed"})

            walk(fn.body, False)
    json.dump(
        {
            "origin": {"repository": "https://github.com/crystaldba/postgres-mcp", "path": PATH, "commit": commit},
            "extracted_by": "test/agent/peers/extract-postgres-mcp-safe-sql.py",
            "cases": cases,
            "skipped": skipped,
        },
        sys.stdout,
        indent=2,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
