// The classification of a visit on the device, with the rules of synergy.classification
// (ICLS Table 1, R0-R8; MICS Table 2, M0-M6) and the country's policy as the server sends it.
// A preview only: the server classifies again when the visit arrives, and its label stands.
// A test compares this function with the Python engine on many random children.
(function (root) {
  "use strict";

  function meets(hours, threshold, comparator) {
    if (Number.isNaN(hours)) return false;
    return comparator === ">" ? hours > threshold : hours >= threshold;
  }

  // A step function of age: {"5": 21, "15": 43}; null hours means "no criterion".
  function schedule(steps, age) {
    const starts = Object.keys(steps || {}).map(Number).sort((a, b) => a - b);
    let hours = Infinity;
    for (const start of starts) {
      if (age >= start) {
        const value = steps[String(start)];
        hours = value === null || value === undefined ? Infinity : Number(value);
      }
    }
    return hours;
  }

  function normalise(code) {
    return String(code || "").toUpperCase().replace(/[ .\-\t]/g, "");
  }

  function onList(listed, code) {
    const norm = normalise(code);
    if (!norm) return false;
    return (listed || []).some((item) => norm.startsWith(normalise(item)));
  }

  function classify(child, policy, framework) {
    const p = policy;
    const age = child.age === null || child.age === undefined || child.age === "" ? NaN : Number(child.age);
    const econ = Number(child.econ_hours || 0);
    const chores = Number(child.chore_hours || 0);
    const hazIndustry = Boolean(child.hazardous_industry) ||
      onList(p.hazardous_industries, child.industry) || onList(p.hazardous_occupations, child.occupation);
    const hazConditions = Boolean(child.hazardous_conditions);
    const night = Boolean(child.night_work);
    const other = Boolean(child.other_wfcl);
    const icls = framework.startsWith("icls");
    if (Number.isNaN(age) || age < p.scope_min_age || age >= p.hazardous_age) {
      return { label: "OOS", reasons: [icls ? "R0" : "M0"] };
    }
    const work = meets(econ, p.emp_min_hours, p.work_comparator);
    if (icls) {
      const gpb = framework === "icls-gpb";
      if (work) {
        const hazards = [];
        if (hazIndustry || hazConditions || night) hazards.push("R2");
        if (meets(econ, p.long_hours, p.long_hours_comparator)) hazards.push("R2");
        if (hazards.length) return { label: "HAZ", reasons: ["R2"] };
      }
      if (other) return { label: "CL", reasons: ["R3"] };
      if (work && age < p.min_age_light) return { label: "CL", reasons: ["R4"] };
      if (work && age >= p.min_age_light && age < p.min_age_general &&
          meets(econ, p.light_max_hours, p.light_comparator)) {
        return { label: "CL", reasons: ["R5"] };
      }
      if (gpb) {
        const limit = schedule(p.huhs_hours, age);
        if (meets(chores, limit, p.chores_comparator) ||
            (hazConditions && meets(chores, p.emp_min_hours, p.work_comparator))) {
          return { label: "CL", reasons: ["R6"] };
        }
      }
      if (work) return { label: "PW", reasons: ["R7"] };
      if (gpb && meets(chores, p.emp_min_hours, p.work_comparator)) return { label: "PW", reasons: ["R7"] };
      return { label: "NW", reasons: ["R8"] };
    }
    const version = framework === "mics-2017" ? "2017" : "2019";
    const reasons = [];
    if (work && meets(econ, schedule(p.mics_econ_hours, age), p.mics_econ_comparator)) reasons.push("M1");
    const choreSteps = version === "2017" ? p.mics2017_chore_hours : p.mics_chore_hours;
    if (meets(chores, schedule(choreSteps, age), p.chores_comparator)) reasons.push("M2");
    const hazardous = work && hazConditions;
    if (version === "2017" && hazardous) reasons.push("M3");
    if (reasons.length) return { label: "CL", reasons: reasons };
    if (hazardous) return { label: "HC", reasons: ["M4"] };
    if (work) return { label: "PW", reasons: ["M5"] };
    if (meets(chores, p.emp_min_hours, p.work_comparator)) return { label: "PW", reasons: ["M5"] };
    return { label: "NW", reasons: ["M6"] };
  }

  root.SynergyClassify = { classify: classify };
})(typeof window !== "undefined" ? window : self);
