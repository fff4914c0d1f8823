#!/usr/bin/env python3
"""ctest ci.action_steps: runs the steps of the GitHub action (action.yml) and of the GitLab template
(ci/gitlab-ci.yml) the way the runners do, against the local build instead of a fresh one.

    action_steps_test.py PREEMPT_BINARY SOURCE_DIR SCRATCH_DIR

For the action: each shell step's `run:` text is run by bash with the runner's environment
(GITHUB_ACTION_PATH = the source tree, RUNNER_TEMP with preempt-build/preempt = the local binary,
GITHUB_OUTPUT, the step's `env:` with the inputs filled in). The install and build steps run with
PREEMPT_CI_DRY_RUN=1 (they would apt-get and rebuild): their commands are checked instead. The test
step runs for real on the dm scenarios and a failing fixture; then the files the `uses:` steps would
upload must exist, the SARIF log and the JUnit report must be valid against schemas/, and the last
step must fail the job. For GitLab, the job's script lines run the same way.
Exit 77 (skipped) when PyYAML is not installed (scripts/install-deps.sh test installs it)."""
import json
import os
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("SKIP: PyYAML is not installed (python3-yaml)")
    sys.exit(77)

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL {message}")
    return condition


def substitute(text, inputs, outputs):
    """Fills in ${{ inputs.X }} and ${{ steps.test.outputs.X }}; anything else is left as is."""
    text = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], str(text))
    return re.sub(r"\$\{\{\s*steps\.test\.outputs\.([\w-]+)\s*\}\}", lambda m: outputs.get(m.group(1), ""), text)


def read_outputs(path):
    outputs = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                outputs[key] = value
    return outputs


def run_bash(script, env, cwd):
    return subprocess.run(["bash", "-e", "-c", script], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def validate_reports(source, sarif, junit):
    schemas = os.path.join(source, "schemas")
    if shutil.which("xmllint"):
        r = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(schemas, "junit-preempt.xsd"), junit],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"{junit} is not valid JUnit: {r.stderr}")
    try:
        import jsonschema
        jsonschema.validate(json.load(open(sarif, encoding="utf-8")),
                            json.load(open(os.path.join(schemas, "sarif-schema-2.1.0.json"), encoding="utf-8")))
    except ImportError:
        print("note: python3-jsonschema is not installed; the SARIF log is not validated")
    except Exception as error:  # jsonschema.ValidationError
        check(False, f"{sarif} is not valid SARIF 2.1.0: {error}")


def test_action(binary, source, scratch):
    action = yaml.safe_load(open(os.path.join(source, "action.yml"), encoding="utf-8"))
    check(action["runs"]["using"] == "composite", "action.yml is not a composite action")
    steps = action["runs"]["steps"]
    for step in steps:
        if "uses" in step:
            check(re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]) is not None,
                  f"action step '{step['name']}' does not pin a major version: {step['uses']}")
        else:
            check(step.get("shell") == "bash", f"action step '{step['name']}' has no `shell: bash`")
            check("ci/preempt-ci.sh" in step["run"] or step is steps[-1],
                  f"action step '{step['name']}' does not run ci/preempt-ci.sh")

    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update({"path": "scenarios/dm-sysfs-exit tests/cli/fixtures/wrong-expectation.scn",
                   "args": "--max-time 120", "output-dir": os.path.join(scratch, "action-results")})
    runner_temp = os.path.join(scratch, "runner-temp")
    os.makedirs(os.path.join(runner_temp, "preempt-build"))
    os.symlink(binary, os.path.join(runner_temp, "preempt-build", "preempt"))  # what the build step makes
    github_output = os.path.join(scratch, "github-output")
    base_env = dict(os.environ, GITHUB_ACTION_PATH=source, RUNNER_TEMP=runner_temp, GITHUB_OUTPUT=github_output)

    outputs = {}
    for step in steps:
        name = step["name"]
        if "uses" in step:
            for key, value in step.get("with", {}).items():
                value = substitute(value, inputs, outputs)
                if key in ("sarif_file", "report_paths", "path"):
                    check(os.path.exists(value), f"action step '{name}': {key} {value} does not exist")
            continue
        if_expr = step.get("if", "")
        if "exit-code != '0'" in if_expr and outputs.get("exit-code") == "0":
            continue
        env = dict(base_env)
        env.update({k: substitute(v, inputs, outputs) for k, v in step.get("env", {}).items()})
        dry = "preempt-ci.sh\" install" in step["run"] or "preempt-ci.sh\" build" in step["run"]
        if dry:
            env["PREEMPT_CI_DRY_RUN"] = "1"
        cwd = os.path.join(source, substitute(step.get("working-directory", "."), inputs, outputs))
        r = run_bash(substitute(step["run"], inputs, outputs), env, cwd)
        print(f"== action step '{name}' (exit {r.returncode}{', dry run' if dry else ''})\n{r.stdout}{r.stderr}")
        if "install" in step["run"] and dry:
            check(r.returncode == 0 and "scripts/install-deps.sh main" in r.stdout, f"'{name}' does not install the main profile")
        elif dry:
            check(r.returncode == 0 and "-DPREEMPT_TESTS=OFF" in r.stdout and f"-B {runner_temp}/preempt-build" in r.stdout
                  and "--target preempt" in r.stdout, f"'{name}' does not build preempt without tests into RUNNER_TEMP")
        elif step.get("id") == "test":
            check(r.returncode == 0, f"'{name}' failed although the action decides at its last step")
            outputs = read_outputs(github_output)
            check(outputs.get("exit-code") == "1", f"'{name}': exit-code is {outputs.get('exit-code')}, not 1")
            check(outputs.get("failed") == "1", f"'{name}': failed is {outputs.get('failed')}, not 1")
            check("PASS scenarios/dm-sysfs-exit/buggy.scn" in r.stdout, f"'{name}' did not test the dm scenarios")
            page = os.path.join(outputs.get("html-dir", ""), "tests__cli__fixtures__wrong-expectation.scn.html")
            check(os.path.exists(page) and "<html" in open(page, encoding="utf-8").read(),
                  f"'{name}': no HTML page {page} for the failing scenario")
            check(len(os.listdir(outputs.get("html-dir", scratch))) == 1, f"'{name}': pages for passing scenarios")
            sarif, junit = outputs.get("sarif", ""), outputs.get("junit", "")
            check(os.path.exists(sarif) and os.path.exists(junit), f"'{name}': no SARIF log or JUnit report")
            if os.path.exists(sarif) and os.path.exists(junit):
                validate_reports(source, sarif, junit)
                log = json.load(open(sarif, encoding="utf-8"))
                check([x["ruleId"] for x in log["runs"][0]["results"]] == ["unloaded-code", "assertion"],
                      f"'{name}': the SARIF results are not the dm race and the fixture's assertion")
                check('failures="1"' in open(junit, encoding="utf-8").read(), f"'{name}': JUnit lacks the failure")
        else:  # the last step: the job fails because a scenario failed
            check(r.returncode == 1 and "::error::preempt test exited 1: 1 scenario(s) failed" in r.stdout,
                  f"'{name}' does not fail the job")


def test_gitlab(binary, source, scratch):
    template = yaml.safe_load(open(os.path.join(source, "ci", "gitlab-ci.yml"), encoding="utf-8"))
    job = template[".preempt"]
    check(job["image"].startswith("debian:12"), "the GitLab job does not run on Debian 12")
    check(job["artifacts"]["reports"]["junit"] == job["variables"]["PREEMPT_OUT"] + "/preempt-junit.xml",
          "the GitLab junit report is not where the job writes it")
    build = os.path.join(scratch, "gitlab-build")
    os.makedirs(build)
    os.symlink(binary, os.path.join(build, "preempt"))
    project = os.path.join(scratch, "gitlab-project")  # CI_PROJECT_DIR: a project with scenarios
    os.makedirs(project)
    shutil.copytree(os.path.join(source, "scenarios", "dm-sysfs-exit"), os.path.join(project, "scenarios", "dm-sysfs-exit"))
    env = dict(os.environ, CI_PROJECT_DIR=project, PREEMPT_CI_DRY_RUN="1")
    env.update({k: v.replace("$CI_PROJECT_DIR", project) for k, v in job["variables"].items()})
    env.update(PREEMPT_SOURCE=source, PREEMPT_BUILD_DIR=build)
    script = "\n".join(job["before_script"] + job["script"])
    r = run_bash(script, env, project)
    print(f"== GitLab job .preempt (exit {r.returncode}; install and build dry)\n{r.stdout}{r.stderr}")
    check(r.returncode == 0, "the GitLab job's script failed")
    check("scripts/install-deps.sh main" in r.stdout and "-DPREEMPT_TESTS=OFF" in r.stdout,
          "the GitLab job does not install and build like the action")
    out = os.path.join(project, "preempt-results")
    check(os.path.exists(os.path.join(out, "preempt-junit.xml")), "the GitLab job wrote no JUnit report")
    if os.path.exists(os.path.join(out, "preempt-junit.xml")):
        validate_reports(source, os.path.join(out, "preempt.sarif"), os.path.join(out, "preempt-junit.xml"))


def test_dockerfile(source):
    """No Docker engine here: check that what the Dockerfile runs exists and is what CI runs."""
    text = open(os.path.join(source, "Dockerfile"), encoding="utf-8").read()
    check(re.search(r"^FROM debian:12", text, re.M) is not None, "the Dockerfile is not based on Debian 12")
    check("scripts/install-deps.sh main" in text, "the Dockerfile does not install the main profile")
    check("cpack -G DEB" in text and "apt-get install" in text, "the Dockerfile does not install the .deb")
    for path in re.findall(r"(?:^|\s)((?:scripts|ci)/[\w./-]+)", text):
        check(os.path.exists(os.path.join(source, path)), f"the Dockerfile names {path}, which does not exist")


def main():
    binary, source, scratch = (os.path.abspath(p) for p in sys.argv[1:4])
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    test_action(binary, source, scratch)
    test_gitlab(binary, source, scratch)
    test_dockerfile(source)
    if failures:
        print(f"ci.action_steps: {len(failures)} failures")
        return 1
    print("ci.action_steps: the action's and the GitLab job's steps work on the local build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
