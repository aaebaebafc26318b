"""The routine engine: program and history become weeks of strength, mobility and rest days.

A plan runs in 7-day weeks from the program's start. Weeks belong to phases — a foundation phase
(4–6 weeks, lighter variants) then a strengthening phase (6–8 weeks) — and the cycle repeats one
variant step harder. Loading weeks grow the dosage; every `deload_every`-th week is a deload week,
counted across phase boundaries, which repeats the last loading week at a lighter dosage.
History bends the plan the way a coach would: missed strength days move or drop, long breaks
repeat the week, and pain or very hard sessions bring easier variants and an early deload.
The precautions the user answered leave moves out of every routine and variant walk, and pain
right now or recent surgery keep the plan to gentle mobility with a clinician seen first.
The last week of each phase asks for a hip check; a check that finds one hip lagging adds one
set on that side to the rotation work until the next check.
Everything here is pure: the same program, history and `today` always give the same plan.

Import each name from the module that holds it:

- `model`: the plan's words (`DayKind`, `DayStatus`, `Experience`, `Phase`, `Program`,
  `PlannedDay`, `Week`, `Plan`) and `strength_volume`;
- `history`: what has happened (`Done`, `Move`, `Checked` hip checks, `History`) and the pain
  `triggers`;
- `build`: `build_plan`, the weeks with their phases and deloads;
- `adapt`: how history bends a week (moves, missed days, long breaks, easing off);
- `choose`: the routine of each session day and its dosage (`routine_candidates`,
  `fitted_routine`: fitted to the kit and screened by the precautions, `fit_to_equipment`,
  `progression_caps`, `within_seed`);
- `checks`: a hip check on the last mobility day of each phase (`with_hip_check`), and one more
  set of rotation work on the side the latest check found lagging (`with_extra_sets`);
- `variants`: walks along easier and harder variants (`shift_variant`); the catalog knows the
  longest walk (`Catalog.longest_variant_walk`);
- `state`: the state one `build_plan` call carries from week to week;
- `checkpoint`: that state at each week boundary (`Checkpoint`, plain data with a JSON round
  trip), and `build_plan_from`, which builds on from the newest still-valid checkpoint of an
  earlier `Built` and takes its weeks back where the build rejoins them; its docstring says
  exactly which history and which `today` each week reads;
- `digests`: what each week boundary reads of the history, as short digests;
- `calendar`: the plan as the calendar reads it (`spliced_plan`, `today_in_plan`,
  `move_targets`, `day_label`).
"""
