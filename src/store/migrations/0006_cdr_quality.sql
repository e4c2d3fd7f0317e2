-- 0006: call quality per leg (a: the caller's, b: the callee's), as the media relay measured it
-- and the legs' RTCP reported it: an E-model MOS estimate (1.0-4.5), packet loss in percent and
-- interarrival jitter in ms, each the worse of the two directions. NULL: no RTP on that leg.
ALTER TABLE cdrs ADD COLUMN mos_a REAL;
ALTER TABLE cdrs ADD COLUMN mos_b REAL;
ALTER TABLE cdrs ADD COLUMN loss_a REAL;
ALTER TABLE cdrs ADD COLUMN loss_b REAL;
ALTER TABLE cdrs ADD COLUMN jitter_a_ms REAL;
ALTER TABLE cdrs ADD COLUMN jitter_b_ms REAL;
