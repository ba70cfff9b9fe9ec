"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { api, ApiError, unwrap } from "@/lib/api/client";
import { fetchAllPages } from "@/lib/api/pages";
import type { Availability, Booking, BookingPage, BookingRole, BookingStatus, CreateBooking, CreateBookingType, UpdateBookingType } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { monthQueryRange, monthKey, type YearMonth } from "@/lib/bookings";
import { newId } from "@/lib/utils";
import { openHosted } from "./payments";

export const bookingTypesKey = ["booking-types"] as const;
export const availabilityKey = ["availability"] as const;
export const bookingsKey = ["bookings"] as const;
export const bookingKey = (id: string) => ["bookings", "one", id] as const;
const publicTypeKey = (host: string, slug: string) => ["booking-types", "public", host, slug] as const;
const slotsKey = (host: string, slug: string) => ["slots", host, slug] as const;

// ---- The host's booking types and schedule ---------------------------------------------------

/** All my booking types, oldest first (every page). */
export function useMyBookingTypes(enabled = true) {
  const { user } = useAuth();
  return useQuery({
    queryKey: [...bookingTypesKey, "mine", user?.id ?? null],
    queryFn: () =>
      fetchAllPages((cursor) => unwrap(api.GET("/v1/booking-types", { params: { query: { cursor: cursor ?? undefined, limit: 100 } } }))),
    enabled,
  });
}

/** One of my booking types (404 for anyone else's: a client gets an error). */
export function useMyBookingType(id: string | null | undefined, enabled = true) {
  return useQuery({
    queryKey: [...bookingTypesKey, "one", id ?? ""],
    queryFn: () => unwrap(api.GET("/v1/booking-types/{booking_type_id}", { params: { path: { booking_type_id: id! } } })),
    enabled: Boolean(id) && enabled,
  });
}

function refreshTypes(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: bookingTypesKey });
  void qc.invalidateQueries({ queryKey: ["slots"] });
}

export function useCreateBookingType() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateBookingType) => unwrap(api.POST("/v1/booking-types", { body })),
    onSuccess: () => refreshTypes(qc),
  });
}

export function useUpdateBookingType() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; body: UpdateBookingType }) =>
      unwrap(api.PATCH("/v1/booking-types/{booking_type_id}", { params: { path: { booking_type_id: v.id } }, body: v.body })),
    onSuccess: () => refreshTypes(qc),
  });
}

export function useDeleteBookingType() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/booking-types/{booking_type_id}", { params: { path: { booking_type_id: id } } })),
    onSuccess: () => refreshTypes(qc),
  });
}

/** My schedule (an empty one in UTC before I set it). */
export function useAvailability() {
  const { user } = useAuth();
  return useQuery({
    queryKey: [...availabilityKey, user?.id ?? null],
    queryFn: () => unwrap(api.GET("/v1/availability")),
  });
}

export function useSaveAvailability() {
  const qc = useQueryClient();
  const { user } = useAuth();
  return useMutation({
    mutationFn: (body: Availability) => unwrap(api.PUT("/v1/availability", { body })),
    onSuccess: (a) => {
      qc.setQueryData([...availabilityKey, user?.id ?? null], a);
      void qc.invalidateQueries({ queryKey: ["slots"] });
    },
  });
}

/** A new secret calendar-feed URL (the previous one stops working). */
export function useNewCalendarFeed() {
  return useMutation({ mutationFn: () => unwrap(api.POST("/v1/me/calendar-feed")) });
}

// ---- The public booking page -------------------------------------------------------------------

/** The type behind `/book/{host}/{slug}` (no sign-in needed); null when there is none (404). */
export function usePublicBookingType(hostId: string, slug: string) {
  return useQuery({
    queryKey: publicTypeKey(hostId, slug),
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/v1/hosts/{user_id}/booking-types/{slug}", { params: { path: { user_id: hostId, slug } } }));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

/** A month's bookable slots (UTC instants) of a host's type; anyone may look. */
export function useSlots(hostId: string, slug: string, month: YearMonth, enabled = true) {
  const range = monthQueryRange(month);
  return useQuery({
    queryKey: [...slotsKey(hostId, slug), monthKey(month)],
    queryFn: async () => {
      if (!range) return [];
      const page = await unwrap(
        api.GET("/v1/hosts/{user_id}/booking-types/{slug}/slots", {
          params: { path: { user_id: hostId, slug }, query: { from: range.from, to: range.to } },
        }),
      );
      return page.items;
    },
    enabled: enabled && Boolean(hostId && slug),
    staleTime: 15_000,
  });
}

/** Drops every cached slot of a type (someone took one: ask again). */
export function useRefreshSlots() {
  const qc = useQueryClient();
  return (hostId: string, slug: string) => qc.invalidateQueries({ queryKey: slotsKey(hostId, slug) });
}

/**
 * Book a slot. One Idempotency-Key per attempt: a retry of the same slot and note (after a
 * network error) sends the same key and gets the same booking; another choice gets a new
 * one. A paid booking (`held`) opens its Checkout.
 */
export function useCreateBooking() {
  const qc = useQueryClient();
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  return useMutation({
    mutationFn: (body: CreateBooking) => {
      const sig = JSON.stringify([body.booking_type_id, body.start, body.note ?? ""]);
      if (!attempt.current || attempt.current.sig !== sig) attempt.current = { sig, key: newId() };
      return unwrap(api.POST("/v1/bookings", { body, params: { header: { "Idempotency-Key": attempt.current.key } } }));
    },
    onSuccess: (b) => {
      // Done with this attempt: the next booking is a new one.
      attempt.current = null;
      qc.setQueryData(bookingKey(b.id), b);
      void qc.invalidateQueries({ queryKey: bookingsKey });
      if (b.status === "held" && b.checkout_url) openHosted(b.checkout_url);
    },
    onError: (e) => {
      // Refused for good (the slot went, the note is too long): a new attempt gets a new key.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.code !== "idempotency_key_in_flight") attempt.current = null;
    },
  });
}

// ---- My bookings -----------------------------------------------------------------------------

const PAGE = 20;

/** My bookings on one side, newest first, optionally of one status. */
export function useBookings(role: BookingRole, status: BookingStatus | null) {
  const { user } = useAuth();
  return useInfiniteQuery({
    queryKey: [...bookingsKey, "list", user?.id ?? null, role, status],
    // The other side changes bookings too: ask again whenever the list is shown.
    staleTime: 0,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/bookings", {
          params: { query: { role, status: status ?? undefined, cursor: pageParam ?? undefined, limit: PAGE } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last: BookingPage) => last.next_cursor ?? undefined,
  });
}

/** One booking (asked again whenever shown); `waitWhileHeld`: polled every second until its payment moved it on. */
export function useBooking(id: string, waitWhileHeld = false) {
  return useQuery({
    queryKey: bookingKey(id),
    queryFn: () => unwrap(api.GET("/v1/bookings/{booking_id}", { params: { path: { booking_id: id } } })),
    staleTime: 0,
    refetchInterval: (q) => (waitWhileHeld && (!q.state.data || q.state.data.status === "held") ? 1000 : false),
  });
}

function storeBooking(qc: QueryClient, b: Booking) {
  qc.setQueryData(bookingKey(b.id), b);
  void qc.invalidateQueries({ queryKey: [...bookingsKey, "list"] });
  void qc.invalidateQueries({ queryKey: ["slots"] });
  if (b.payment_id) void qc.invalidateQueries({ queryKey: ["payments"] });
}

export function useCancelBooking() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; reason?: string }) =>
      unwrap(api.POST("/v1/bookings/{booking_id}/cancel", { params: { path: { booking_id: v.id } }, body: { reason: v.reason || null } })),
    onSuccess: (b) => storeBooking(qc, b),
  });
}

export function useRescheduleBooking() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; start: string }) =>
      unwrap(api.POST("/v1/bookings/{booking_id}/reschedule", { params: { path: { booking_id: v.id } }, body: { start: v.start } })),
    onSuccess: (b) => storeBooking(qc, b),
  });
}

export function useConfirmBooking() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/v1/bookings/{booking_id}/confirm", { params: { path: { booking_id: id } }, body: {} })),
    onSuccess: (b) => storeBooking(qc, b),
  });
}

export function useRejectBooking() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; reason?: string }) =>
      unwrap(api.POST("/v1/bookings/{booking_id}/reject", { params: { path: { booking_id: v.id } }, body: { reason: v.reason || null } })),
    onSuccess: (b) => storeBooking(qc, b),
  });
}
