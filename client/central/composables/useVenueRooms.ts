// A venue's registered rooms, reloaded when the venue changes; and registering a room.
import { ref, watch, type Ref } from 'vue';
import { callHub } from '../api';
import { ID_PATTERN, type SeatPlan } from '../forms';
import { useHubRequest } from './useHubRequest';

export interface VenueRoom { venueId: string; roomId: string; name: string; seats: SeatPlan[] }

export function useVenueRooms(venueId: Ref<string>) {
  const rooms = ref<VenueRoom[]>([]);
  const load = useHubRequest<void>();
  const save = useHubRequest<{ venueId: string; roomId: string }>();

  async function reload(): Promise<void> {
    const venue = venueId.value.trim();
    if (!ID_PATTERN.test(venue)) {
      rooms.value = [];
      return;
    }
    await load.run(async () => {
      const listed = (await callHub<{ rooms: VenueRoom[] }>('GET', `/api/central/venues/${encodeURIComponent(venue)}/rooms`)).rooms;
      if (venueId.value.trim() === venue) rooms.value = listed;
    });
  }
  watch(venueId, () => void reload(), { immediate: true });

  async function register(room: { roomId: string; name: string; seats: SeatPlan[] }): Promise<boolean> {
    const venue = venueId.value.trim();
    const saved = await save.run(() => callHub('PUT', `/api/central/venues/${encodeURIComponent(venue)}/rooms/${encodeURIComponent(room.roomId)}`, { name: room.name, seats: room.seats }));
    if (saved) await reload();
    return saved !== null;
  }

  return { rooms, load, save, reload, register };
}
