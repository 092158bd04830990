/**
 * The shapes of Ray's Jobs REST API (dashboard, port 8265), as its code has them. Sources, in
 * ray-project/ray (read for this file; the project's RAY-JOBS.md summarises them):
 * - routes: python/ray/dashboard/modules/job/job_head.py (JobHead: get_version, get_package,
 *   upload_package, submit_job, stop_job, delete_job, get_job_info, list_jobs, get_job_logs,
 *   tail_job_logs) and job_agent.py (what the head forwards to);
 * - request/response bodies: python/ray/dashboard/modules/job/common.py (JobSubmitRequest,
 *   JobSubmitResponse, JobStopResponse, JobDeleteResponse, JobLogsResponse, JobStatus, JobInfo);
 * - JobDetails: python/ray/dashboard/modules/job/pydantic_models.py;
 * - /api/version: python/ray/dashboard/modules/version.py (VersionResponse, CURRENT_VERSION "5");
 * - token auth: python/ray/_private/authentication/http_token_authentication.py
 *   (`Authorization: Bearer`, fallback `X-Ray-Authorization`; 401 "Unauthorized: Missing
 *   authentication token", 403 "Forbidden: Invalid authentication token"), and
 *   /api/authentication_mode in python/ray/dashboard/http_server_head.py (public).
 */

/** common.py JobStatus. PENDING and RUNNING are the only non-terminal ones (JobStatus.is_terminal). */
export type RayJobStatus = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';
export const TERMINAL_STATUSES: readonly RayJobStatus[] = ['STOPPED', 'SUCCEEDED', 'FAILED'];
export const isTerminal = (s: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(s);

/** version.py VersionResponse. */
export interface RayVersion {
  readonly version: string;
  readonly ray_version: string;
  readonly ray_commit: string;
  readonly session_name: string;
}

/** common.py JobSubmitRequest (the fields W2S Studio sends). */
export interface RayJobSubmitRequest {
  readonly entrypoint: string;
  readonly submission_id?: string;
  readonly runtime_env?: {
    readonly working_dir?: string;
    readonly env_vars?: Record<string, string>;
    readonly [k: string]: unknown;
  };
  readonly metadata?: Record<string, string>;
  readonly entrypoint_num_cpus?: number;
  readonly entrypoint_num_gpus?: number;
  readonly entrypoint_memory?: number;
  readonly entrypoint_resources?: Record<string, number>;
}

/** common.py JobSubmitResponse (`job_id` is deprecated and equals `submission_id`). */
export interface RayJobSubmitResponse {
  readonly job_id: string;
  readonly submission_id: string;
}

/** pydantic_models.py DriverInfo. */
export interface RayDriverInfo {
  readonly id: string;
  readonly node_ip_address: string;
  readonly pid: string;
}

/** pydantic_models.py JobDetails; newer Ray adds fields (retry_policy, attempt_number…), read as unknown. */
export interface RayJobDetails {
  readonly type: 'SUBMISSION' | 'DRIVER';
  readonly job_id: string | null;
  readonly submission_id: string | null;
  readonly driver_info: RayDriverInfo | null;
  readonly status: RayJobStatus;
  readonly entrypoint: string;
  readonly message: string | null;
  readonly error_type: string | null;
  /** Unix time in milliseconds. */
  readonly start_time: number | null;
  readonly end_time: number | null;
  readonly metadata: Record<string, string> | null;
  readonly runtime_env: Record<string, unknown> | null;
  readonly driver_agent_http_address: string | null;
  readonly driver_node_id: string | null;
  readonly driver_exit_code: number | null;
  readonly [extra: string]: unknown;
}

/** The package URI of a working_dir uploaded to the GCS (packaging.py: `gcs://_ray_pkg_<hash>.zip`). */
export const packageUri = (name: string): string => `gcs://${name}`;
