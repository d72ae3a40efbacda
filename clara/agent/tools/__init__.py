"""Clara's tools, grouped by domain; each is a thin wrapper over services, run by `clara.agent.runner`.

`TOOLS` are always offered; `DRAFT_TOOLS` only while a write waits for the technician's yes.
"""

from __future__ import annotations

from livekit.agents import llm

from clara.agent.tools import crew, deficiencies, drafts, jobs, knowledge, nameplates, preferences, sites

TOOLS: list[llm.FunctionTool] = [
    sites.customer_at_location, sites.site_requirements, jobs.my_jobs_today, jobs.next_job, jobs.daily_brief,
    jobs.job_details, knowledge.equipment_spec, knowledge.knowledge_search, sites.travel_time, sites.inspections_due,
    deficiencies.log_deficiency, jobs.update_job_status, deficiencies.mark_deficiency_fixed,
    preferences.get_preferences, preferences.set_preferences, nameplates.read_nameplate, jobs.job_history,
    jobs.undo_status_change, crew.crew_day,
]
DRAFT_TOOLS: list[llm.FunctionTool] = [drafts.confirm_draft, drafts.edit_draft]
