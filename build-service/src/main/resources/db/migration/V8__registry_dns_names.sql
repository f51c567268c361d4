-- the name the platform keeps in DNS for each room's registry, as last announced on image-events;
-- NULL until announced (registries made before this version are announced at the next start)
ALTER TABLE image_registry ADD COLUMN dns_name VARCHAR(253) NULL;
